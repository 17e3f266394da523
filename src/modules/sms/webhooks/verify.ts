import type { FastifyRequest } from 'fastify';
import type { Config } from '../../../config.js';
import type { SmsNumberProvider } from '../../../platform/sms/numbers.js';
import type { WebhookOutcome } from './counts.js';

export type Verified = { params: Record<string, string> } | { refused: WebhookOutcome };

/**
 * A webhook call is Twilio's when `X-Twilio-Signature` is the HMAC of the URL Twilio called and
 * the form's fields under our auth token. That URL is the public one (`PUBLIC_URL` + path and
 * query), never the Host header or X-Forwarded-* a client could set. The account must be ours too:
 * a signature proves only the token, and a form naming another account is not for us.
 */
export function verifyWebhook(
  request: FastifyRequest,
  provider: SmsNumberProvider | null,
  config: Pick<Config, 'PUBLIC_URL' | 'TWILIO_ACCOUNT_SID'>,
): Verified {
  if (!provider) return { refused: 'no-provider' };
  const signature = request.headers['x-twilio-signature'];
  const body = request.body;
  if (typeof signature !== 'string' || !body || typeof body !== 'object') return { refused: 'bad-signature' };
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    // Twilio never repeats a field: a list is someone else's form.
    if (typeof value !== 'string') return { refused: 'malformed' };
    params[key] = value;
  }
  const url = `${config.PUBLIC_URL.replace(/\/$/, '')}${request.url}`;
  if (!provider.validSignature(url, params, signature)) return { refused: 'bad-signature' };
  if (params.AccountSid !== config.TWILIO_ACCOUNT_SID) return { refused: 'other-account' };
  return { params };
}
