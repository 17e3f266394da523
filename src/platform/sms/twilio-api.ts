/**
 * Twilio answered with an error: its HTTP status and its own error code (21211 "invalid To",
 * 21610 "unsubscribed recipient", 21452 "number not available" …). The message is Twilio's, never
 * the request (which carries the credentials).
 */
export class SmsProviderError extends Error {
  override name = 'SmsProviderError';
  constructor(
    readonly status: number,
    readonly code: number | null,
    readonly providerMessage: string,
  ) {
    super(`Twilio answered ${status}: ${code ?? ''} ${providerMessage}`.trim());
  }
}

export interface TwilioCredentials {
  accountSid: string;
  authToken: string;
  /** The REST API's base URL (https://api.twilio.com, or a test double on localhost). */
  baseUrl: string;
}

/**
 * Twilio's REST API as its documentation describes it: HTTP Basic auth with the account SID and
 * auth token, form-encoded requests (`application/x-www-form-urlencoded`), JSON answers, errors as
 * `{ code, message, more_info, status }`. Paths are relative to the account
 * (`/2010-04-01/Accounts/{AccountSid}`).
 */
export class TwilioApi {
  constructor(readonly credentials: TwilioCredentials) {}

  get accountPath(): string {
    return `/2010-04-01/Accounts/${encodeURIComponent(this.credentials.accountSid)}`;
  }

  get origin(): string {
    return new URL(this.credentials.baseUrl).origin;
  }

  /** The Authorization header Twilio's API (and its media URLs) take. */
  get authorization(): string {
    const { accountSid, authToken } = this.credentials;
    return `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
  }

  /**
   * Twilio's Pricing API lives on its own host (pricing.twilio.com); a test double or proxy given
   * as TWILIO_API_URL serves it too.
   */
  get pricingBase(): string {
    return this.origin === 'https://api.twilio.com'
      ? 'https://pricing.twilio.com'
      : this.credentials.baseUrl.replace(/\/$/, '');
  }

  /** A request to the account's resources (`/2010-04-01/Accounts/{AccountSid}` + path). */
  request<T>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    form?: Record<string, string | undefined>,
  ): Promise<T> {
    return this.requestUrl(
      method,
      `${this.credentials.baseUrl.replace(/\/$/, '')}${this.accountPath}${path}`,
      form,
    );
  }

  async requestUrl<T>(
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    form?: Record<string, string | undefined>,
  ): Promise<T> {
    const fields = new URLSearchParams();
    for (const [k, v] of Object.entries(form ?? {})) if (v !== undefined) fields.set(k, v);
    const query = method === 'GET' && fields.size > 0 ? `?${fields}` : '';
    const response = await fetch(url + query, {
      method,
      headers: {
        authorization: this.authorization,
        ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(method === 'POST' ? { body: fields } : {}),
      signal: AbortSignal.timeout(30_000),
    });
    if (response.status === 204) return undefined as T;
    const answer = (await response.json().catch(() => ({}))) as T & { code?: unknown; message?: unknown };
    if (!response.ok)
      throw new SmsProviderError(
        response.status,
        typeof answer.code === 'number' ? answer.code : null,
        typeof answer.message === 'string' ? answer.message.slice(0, 300) : '',
      );
    return answer;
  }
}
