import type { Cache } from '../../platform/cache/port.js';
import type { RateLimiter } from '../../platform/ratelimit/port.js';
import { AppError } from '../../shared/errors.js';

/**
 * Limits per OWASP ASVS 5.0 V6.3.1 and NIST SP 800-63B §5.2.2 (at most 100 failed attempts per
 * account per hour). Per-IP limits slow one source; per-account limits stop a spread-out attack on
 * one account. The magic-link and reset paths have their own counters, so an attacker guessing a
 * victim's password never locks the victim out of signing in by email.
 */
export const LIMITS = {
  loginPerIp: { limit: 30, windowSeconds: 300 },
  failuresPerAccount: { limit: 100, windowSeconds: 3600 },
  emailLinksPerIp: { limit: 10, windowSeconds: 900 },
  emailLinksPerAddress: { limit: 5, windowSeconds: 900 },
  signupPerIp: { limit: 10, windowSeconds: 3600 },
} as const;

/** After this many failures in the hour, each further attempt waits 2^(n - free) seconds (max 15 min). */
const FREE_FAILURES = 5;
const MAX_DELAY_SECONDS = 900;

export interface ThrottleDeps {
  rateLimiter: RateLimiter;
  cache: Cache;
}

/**
 * Whose password back-off an attempt counts against: an account (by id, so sign-in, re-authentication
 * and password change share one counter), or an address no account has. Unknown addresses get the
 * same counters and delays (keyed by the normalized address, no user created), so the back-off's
 * 429 never tells an existing account from a missing one.
 */
export type BackoffSubject = { userId: string } | { unknownAddress: string };

const backoffKey = (subject: BackoffSubject): string =>
  'userId' in subject ? subject.userId : `address:${subject.unknownAddress.trim().toLowerCase()}`;

export async function limit(
  deps: ThrottleDeps,
  key: string,
  rule: { limit: number; windowSeconds: number },
): Promise<void> {
  const result = await deps.rateLimiter.hit(key, rule.limit, rule.windowSeconds);
  if (!result.allowed) throw tooMany(result.resetSeconds);
}

function tooMany(seconds: number): AppError {
  return new AppError('rate_limited', `Too many attempts. Try again in ${Math.max(1, seconds)} seconds.`, {
    headers: { 'retry-after': String(Math.max(1, seconds)) },
  });
}

/** Refuses a password attempt while the subject's growing delay runs. */
export async function checkAccountDelay(deps: ThrottleDeps, subject: BackoffSubject): Promise<void> {
  const until = await deps.cache.get<number>(`login-wait:${backoffKey(subject)}`);
  if (until && until > Date.now()) throw tooMany(Math.ceil((until - Date.now()) / 1000));
}

/** Counts a failed password for the subject and sets its next delay. */
export async function recordAccountFailure(deps: ThrottleDeps, subject: BackoffSubject): Promise<number> {
  const rule = LIMITS.failuresPerAccount;
  const key = backoffKey(subject);
  const { count } = await deps.rateLimiter.hit(`login-fail:${key}`, rule.limit, rule.windowSeconds);
  const delay =
    count >= rule.limit
      ? rule.windowSeconds
      : count > FREE_FAILURES
        ? Math.min(2 ** (count - FREE_FAILURES), MAX_DELAY_SECONDS)
        : 0;
  if (delay > 0) await deps.cache.set(`login-wait:${key}`, Date.now() + delay * 1000, delay);
  return count;
}

export async function clearAccountFailures(deps: ThrottleDeps, subject: BackoffSubject): Promise<void> {
  const key = backoffKey(subject);
  await deps.rateLimiter.reset(`login-fail:${key}`);
  await deps.cache.delete(`login-wait:${key}`);
}

/**
 * Checks a password under the account's sign-in back-off: refused (429) while a delay runs, and a
 * wrong answer counts on the same counter as a wrong sign-in. Used wherever a signed-in session
 * confirms the current password, so a stolen session is no unlimited password oracle (ASVS 5.0 V6.3.1).
 */
export async function throttledPasswordCheck(
  deps: ThrottleDeps,
  userId: string,
  check: () => Promise<boolean>,
): Promise<boolean> {
  await checkAccountDelay(deps, { userId });
  if (!(await check())) {
    await recordAccountFailure(deps, { userId });
    return false;
  }
  await clearAccountFailures(deps, { userId });
  return true;
}

/**
 * A completed password reset proves control of the mailbox: the owner's sign-in back-off (built up
 * perhaps by someone guessing) no longer stands between them and their new password.
 */
export const liftSignInBackoff = (deps: ThrottleDeps, userId: string): Promise<void> =>
  clearAccountFailures(deps, { userId });
