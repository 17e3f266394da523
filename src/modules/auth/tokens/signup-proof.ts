import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { TOKEN_PURPOSES } from './one-time-tokens.js';

/**
 * Proof that a browser is the one that created a pending account (and so chose its password).
 * Sign-up leaves `HMAC(SECRET_KEY, "signup:" + userId)` in an HttpOnly cookie on that browser only;
 * a verification link opened there keeps the password chosen at sign-up. Opened anywhere else,
 * the person confirming the address must type that password, or it is dropped: whoever proves the
 * mailbox is not necessarily whoever chose the password (pre-registration takeover, "Pre-hijacked
 * accounts", Sudhodanan & Paverd, USENIX Security 2022).
 */
export const SIGNUP_PROOF_COOKIE = 'sb_signup';

/** The cookie lives as long as the verification link it goes with. */
export const SIGNUP_PROOF_MAX_AGE_SECONDS = TOKEN_PURPOSES.verify_email.ttlSeconds;

export function signupProof(secretKey: string, userId: string): string {
  return createHmac('sha256', secretKey).update(`signup:${userId}`).digest('base64url');
}

/**
 * The cookie's value after a sign-up: the proof for a new account, random bytes of the same
 * shape when the address already had one, so the answer does not tell the two apart.
 */
export function signupProofCookieValue(secretKey: string, userId: string | undefined): string {
  return userId ? signupProof(secretKey, userId) : randomBytes(32).toString('base64url');
}

export function isSignupProof(secretKey: string, userId: string, presented: string | undefined): boolean {
  if (!presented) return false;
  const expected = Buffer.from(signupProof(secretKey, userId));
  const given = Buffer.from(presented);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
