import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { registerClient } from '../../src/modules/oauth/clients/service.js';
import type { ClientInput } from '../../src/modules/oauth/clients/validate.js';
import type { TestApp } from './app.js';
import type { SessionClient } from './session-client.js';

export const REDIRECT_URI = 'http://127.0.0.1:59999/callback';

/** Registers an app the way an administrator would (through the service, in one transaction). */
export async function registerTestClient(
  t: Pick<TestApp, 'platform'>,
  input: Partial<ClientInput> = {},
): Promise<{ clientId: string; secret: string | null }> {
  const { client, secret } = await t.platform.database.db.transaction().execute((trx) =>
    registerClient(
      { trx, meta: { ip: '127.0.0.1', userAgent: null, requestId: 'test' }, failures: [] },
      null,
      {
        name: 'Test app',
        type: 'public',
        redirectUris: [REDIRECT_URI],
        grantTypes: ['authorization_code', 'refresh_token'],
        scopes: ['account:read', 'tickets:read'],
        ...input,
      },
    ),
  );
  return { clientId: client.client_id, secret };
}

/** An RFC 7636 verifier and its S256 challenge. */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** A token endpoint request, form-encoded, optionally with HTTP Basic client authentication. */
export function tokenRequest(
  app: FastifyInstance,
  form: Record<string, string>,
  basic?: { id: string; secret: string },
  endpoint = '/oauth/token',
) {
  return app.inject({
    method: 'POST',
    url: endpoint,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(basic
        ? { authorization: `Basic ${Buffer.from(`${basic.id}:${basic.secret}`).toString('base64')}` }
        : {}),
    },
    payload: new URLSearchParams(form).toString(),
  });
}

/**
 * Walks the authorization endpoint as a signed-in browser would: follows redirects through the
 * sign-in step and answers the consent page with `decision`. Returns where it finally sends the
 * browser (the app's redirect URI with a code or an error), or the last response when the server
 * answers a page instead (an error page).
 */
export async function authorize(
  client: SessionClient,
  publicUrl: string,
  params: Record<string, string>,
  decision: 'allow' | 'deny' = 'allow',
): Promise<{ location?: URL; status: number; body: string }> {
  let url = `/oauth/auth?${new URLSearchParams(params)}`;
  for (let hop = 0; hop < 12; hop++) {
    const res = await client.get(url);
    const location = res.headers.location;
    if (typeof location === 'string') {
      const next = new URL(location, publicUrl);
      if (next.origin !== new URL(publicUrl).origin)
        return { location: next, status: res.statusCode, body: res.body };
      url = next.pathname + next.search;
      continue;
    }
    // The hand-back page after sign-in or consent moves on by itself (meta refresh) in a browser.
    const onward = /href="([^"]+)"[^>]*data-testid="continue"/.exec(res.body);
    if (res.statusCode === 200 && onward?.[1]) {
      url = onward[1].replaceAll('&amp;', '&');
      continue;
    }
    const consent = /\/oauth\/interaction\/([\w-]+)$/.exec(url);
    if (res.statusCode === 200 && consent && res.body.includes('data-testid="consent"')) {
      const answer = await client.post(`/oauth/interaction/${consent[1]}/consent`, { decision });
      const back = /href="([^"]+)"[^>]*data-testid="continue"/.exec(answer.body);
      if (answer.statusCode !== 200 || !back?.[1]) return { status: answer.statusCode, body: answer.body };
      url = back[1].replaceAll('&amp;', '&');
      continue;
    }
    return { status: res.statusCode, body: res.body };
  }
  throw new Error('too many redirects');
}

/** The claims of a JWT, unverified (for assertions on what the server put in). */
export const jwtClaims = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
export const jwtHeader = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;

/** Signs in to an app through the whole code + PKCE flow and returns its tokens. */
export async function issueTokens(
  app: FastifyInstance,
  browser: SessionClient,
  publicUrl: string,
  clientId: string,
  scope = 'openid account:read tickets:read',
): Promise<{ access_token: string; refresh_token: string; id_token?: string }> {
  const { verifier, challenge } = pkce();
  const result = await authorize(browser, publicUrl, {
    client_id: clientId,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  const code = result.location?.searchParams.get('code');
  if (!code) throw new Error(`no code: ${result.status} ${result.location ?? result.body.slice(0, 300)}`);
  const res = await tokenRequest(app, {
    grant_type: 'authorization_code',
    client_id: clientId,
    code,
    code_verifier: verifier,
    redirect_uri: REDIRECT_URI,
  });
  if (res.statusCode !== 200) throw new Error(`token exchange failed: ${res.body}`);
  return res.json();
}

/** Calls the API with a bearer token. */
export const withToken = (app: FastifyInstance, token: string, url = '/api/v1/me') =>
  app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
