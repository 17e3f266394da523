import { createHash } from 'node:crypto';
import type { RateLimiter } from '../../platform/ratelimit/port.js';
import { AppError, refusal } from '../../shared/errors.js';
import { checkFillToken, MAX_FILL_MS } from './fill-token.js';

/**
 * Submissions per hour from one IP and for one address. A person writes once or twice; the
 * eleventh in an hour is a script. Counted in the rate limiter (Redis, else memory), never in the
 * request's transaction, so a refused or failed request still counts.
 */
export const CONTACT_LIMITS = {
  perIp: { limit: 10, windowSeconds: 3600 },
  perAddress: { limit: 10, windowSeconds: 3600 },
} as const;

/** The same words for every refused token (forged, too fast, replayed): nothing tells a bot which. */
const againRefusal = () =>
  refusal('validation_failed', 'The form could not be accepted; check it and send it again.', {
    key: 'leads:contact.errors.again',
  });

async function count(limiter: RateLimiter, key: string, rule: { limit: number; windowSeconds: number }) {
  const result = await limiter.hit(key, rule.limit, rule.windowSeconds);
  if (!result.allowed)
    throw new AppError('rate_limited', 'Too many messages from here; try again later.', {
      headers: { 'retry-after': String(Math.max(1, result.resetSeconds)) },
      said: { key: 'leads:contact.errors.tooMany' },
    });
}

/** The form's own signed fill time: refused when forged, sent within two seconds or too old. */
export function screenToken(secretKey: string, token: string): string {
  const checked = checkFillToken(secretKey, token);
  if (!checked.ok) throw againRefusal();
  return checked.nonce;
}

/** The counter's key names the address by its hash: the limiter's store holds no one's address. */
const addressKey = (email: string) =>
  createHash('sha256').update(email.trim().toLowerCase()).digest('base64url').slice(0, 32);

export async function countSubmission(limiter: RateLimiter, ip: string, email: string): Promise<void> {
  await count(limiter, `leads:ip:${ip}`, CONTACT_LIMITS.perIp);
  await count(limiter, `leads:email:${addressKey(email)}`, CONTACT_LIMITS.perAddress);
}

/** Spends the token's nonce: a second submission with the same form is refused like a forged one. */
export async function spendToken(limiter: RateLimiter, nonce: string): Promise<void> {
  const first = await limiter.hit(`leads:nonce:${nonce}`, 1, Math.ceil(MAX_FILL_MS / 1000));
  if (!first.allowed) throw againRefusal();
}
