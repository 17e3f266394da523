import type { Transaction } from 'kysely';
import { recordAuthEvent, recordAuthFailure } from '../../../identity/auth-events.js';
import { type AuthContext, type AuthDeps, link } from '../../../identity/context.js';
import { findUserByEmail, type UserRow, updateUser } from '../../../identity/users/repo.js';
import type { DB } from '../../../platform/db/schema.js';
import { AppError } from '../../../shared/errors.js';
import { burnVerifyTime, hashPassword, needsRehash, verifyPassword } from '../passwords/hash.js';
import { normalizePassword } from '../passwords/policy.js';
import {
  type BackoffSubject,
  checkAccountDelay,
  clearAccountFailures,
  LIMITS,
  limit,
  recordAccountFailure,
} from '../throttle.js';
import { issueToken } from '../tokens/one-time-tokens.js';

/**
 * Checks an email and password. Unknown address and wrong password give the same answer after
 * the same work (a dummy argon2 verify, the same back-off counters and delays, keyed by the address
 * when no account has it), so neither status, headers, body nor timing reveals who has an account.
 */
export async function loginWithPassword(
  deps: AuthDeps,
  ctx: AuthContext,
  email: string,
  password: string,
): Promise<UserRow> {
  await limit(deps, `login:ip:${ctx.meta.ip}`, LIMITS.loginPerIp);
  const found = await findUserByEmail(ctx.trx, email);
  const user = found?.password_hash ? found : undefined;
  const subject: BackoffSubject = user ? { userId: user.id } : { unknownAddress: email };
  const candidate = normalizePassword(password);
  await checkAccountDelay(deps, subject).catch(async (error: unknown) => {
    recordAuthFailure(ctx, 'login_throttled', user?.id ?? null);
    throw error;
  });
  const correct = user?.password_hash
    ? await verifyPassword(user.password_hash, candidate)
    : await burnVerifyTime(candidate).then(() => false);
  if (!user?.password_hash || !correct) {
    const failures = await recordAccountFailure(deps, subject);
    recordAuthFailure(ctx, 'login_failed', user?.id ?? null, {
      reason: user ? 'wrong_password' : 'unknown_email',
      failures,
    });
    throw new AppError('invalid_credentials');
  }
  await clearAccountFailures(deps, subject);
  if (user.status === 'disabled') throw new AppError('account_disabled');
  if (user.status === 'pending_verification') {
    // The refusal rolls this request back; the fresh link it promises must go out all the same.
    const sendLink = async (trx: Transaction<DB>) => {
      const token = await issueToken(trx, user.id, 'verify_email');
      await deps.mail.queue(trx, user, 'verify-email', {
        name: user.display_name,
        url: link(deps.config, '/auth/verify', token),
      });
    };
    if (ctx.afterRefusal) ctx.afterRefusal.push(sendLink);
    else await sendLink(ctx.trx);
    throw new AppError('email_not_verified');
  }
  if (needsRehash(user.password_hash))
    await updateUser(ctx.trx, user.id, { password_hash: await hashPassword(candidate) });
  await recordAuthEvent(ctx.trx, 'login_succeeded', ctx.meta, user.id, { method: 'password' });
  return user;
}
