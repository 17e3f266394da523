import type { FastifyInstance, InjectOptions } from 'fastify';

type Response = Awaited<ReturnType<FastifyInstance['inject']>>;

/**
 * A browser-like client for `app.inject`: keeps cookies between requests and sends the CSRF token
 * it was last given, the way the site's pages and scripts do. Each instance is one visitor.
 */
export class SessionClient {
  readonly cookies = new Map<string, string>();
  csrfToken: string | undefined;

  /** Each visitor comes from its own documentation-range address, so per-IP limits see them apart. */
  constructor(
    private readonly app: FastifyInstance,
    readonly remoteAddress = `198.51.100.${Math.floor(Math.random() * 250) + 1}`,
  ) {}

  async request(
    method: InjectOptions['method'],
    url: string,
    payload?: object,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const unsafe = method !== 'GET' && method !== 'HEAD';
    const response = await this.app.inject({
      method,
      url,
      remoteAddress: this.remoteAddress,
      ...(payload ? { payload } : {}),
      headers: {
        'sec-fetch-site': 'same-origin',
        ...(cookie ? { cookie } : {}),
        ...(unsafe && this.csrfToken ? { 'x-csrf-token': this.csrfToken } : {}),
        ...headers,
      },
    });
    for (const set of response.cookies) {
      if (set.value === '' || (set.maxAge !== undefined && set.maxAge <= 0)) this.cookies.delete(set.name);
      else this.cookies.set(set.name, set.value);
    }
    const body = String(response.headers['content-type'] ?? '').includes('json')
      ? (response.json() as { csrfToken?: string })
      : undefined;
    if (body?.csrfToken) this.csrfToken = body.csrfToken;
    return response;
  }

  /** Fetches a pre-session CSRF token, as a sign-in page does before its form is posted. */
  async start(): Promise<this> {
    await this.request('GET', '/api/v1/auth/csrf');
    return this;
  }

  get = (url: string) => this.request('GET', url);
  post = (url: string, payload?: object, headers?: Record<string, string>) =>
    this.request('POST', url, payload ?? {}, headers);
  patch = (url: string, payload: object) => this.request('PATCH', url, payload);
  delete = (url: string) => this.request('DELETE', url);
}
