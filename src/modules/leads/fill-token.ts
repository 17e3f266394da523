import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { deriveKey } from '../../platform/secrets/derive-key.js';

/**
 * The contact form's fill-time token: when the form was handed out, a random nonce, and an HMAC
 * over both with a key derived from SECRET_KEY. A bot posting at once (or a script that never
 * loaded the form) is refused; the signature keeps anyone from writing an older time into it, and
 * the nonce lets a token be spent once (spam.ts).
 */
export const MIN_FILL_MS = 2_000;
/** A form left open longer than this is handed out again (the nonces are kept as long). */
export const MAX_FILL_MS = 24 * 3600 * 1000;

const sign = (secretKey: string, payload: string) =>
  createHmac('sha256', deriveKey(secretKey, 'leads-fill-time')).update(payload).digest('base64url');

export function issueFillToken(secretKey: string, issuedAt = Date.now()): string {
  const payload = `${issuedAt}.${randomBytes(16).toString('base64url')}`;
  return `${payload}.${sign(secretKey, payload)}`;
}

export type FillCheck = { ok: true; nonce: string } | { ok: false; why: 'forged' | 'too_fast' | 'expired' };

export function checkFillToken(secretKey: string, token: string, now = Date.now()): FillCheck {
  const match = /^(\d{13})\.([\w-]{22})\.([\w-]{43})$/.exec(token);
  if (!match) return { ok: false, why: 'forged' };
  const [, at, nonce, signature] = match as unknown as [string, string, string, string];
  const expected = Buffer.from(sign(secretKey, `${at}.${nonce}`));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return { ok: false, why: 'forged' };
  const age = now - Number(at);
  if (age < MIN_FILL_MS) return { ok: false, why: 'too_fast' };
  if (age > MAX_FILL_MS) return { ok: false, why: 'expired' };
  return { ok: true, nonce };
}
