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

/** Refuses a password attempt while the account's growing delay runs. */
export async function checkAccountDelay(deps: ThrottleDeps, userId: string): Promise<void> {
  const until = await deps.cache.get<number>(`login-wait:${userId}`);
  if (until && until > Date.now()) throw tooMany(Math.ceil((until - Date.now()) / 1000));
}

/** Counts a failed password for the account and sets its next delay. */
export async function recordAccountFailure(deps: ThrottleDeps, userId: string): Promise<number> {
  const rule = LIMITS.failuresPerAccount;
  const { count } = await deps.rateLimiter.hit(`login-fail:${userId}`, rule.limit, rule.windowSeconds);
  const delay =
    count >= rule.limit
      ? rule.windowSeconds
      : count > FREE_FAILURES
        ? Math.min(2 ** (count - FREE_FAILURES), MAX_DELAY_SECONDS)
        : 0;
  if (delay > 0) await deps.cache.set(`login-wait:${userId}`, Date.now() + delay * 1000, delay);
  return count;
}

export async function clearAccountFailures(deps: ThrottleDeps, userId: string): Promise<void> {
  await deps.rateLimiter.reset(`login-fail:${userId}`);
  await deps.cache.delete(`login-wait:${userId}`);
}
