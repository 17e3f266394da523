import { recordAuthEvent } from '../../../identity/auth-events.js';
import type { AuthContext, AuthDeps } from '../../../identity/context.js';
import { findUserById, type UserRow } from '../../../identity/users/repo.js';
import { AppError } from '../../../shared/errors.js';
import { codeText } from '../texts.js';
import { limit } from '../throttle.js';
import { confirmedFactors, insertFactor } from './factors-repo.js';
import { factorAdded } from './service.js';
import { consumeSmsCode, issueSmsCode } from './sms-codes.js';

const CODES_PER_HOUR = { limit: 5, windowSeconds: 3600 } as const;
const GUESSES = { limit: 10, windowSeconds: 900 } as const;

/**
 * Adds the user's verified phone as a second factor (texted codes). A texted code is a RESTRICTED
 * authenticator (NIST SP 800-63B §5.1.3.3: SIM swaps, number porting), which must never be the
 * only way in: when it is the first factor, backup codes come with it (like any first factor), so
 * the owner always holds a factor that is not a phone number. Backup codes, not a required app or
 * passkey, because many of a support desk's customers have neither.
 */
export async function enrolSmsFactor(
  deps: AuthDeps,
  ctx: AuthContext,
  user: UserRow,
): Promise<{ factorId: string; added: boolean; backupCodes?: string[] }> {
  if (!user.phone || !user.phone_verified_at)
    throw new AppError('bad_request', 'Verify a phone number first.');
  const existing = (await confirmedFactors(ctx.trx, user.id)).find(
    (f) => f.kind === 'sms' && f.phone === user.phone,
  );
  if (existing) return { factorId: existing.id, added: false };
  const id = await insertFactor(ctx.trx, {
    user_id: user.id,
    kind: 'sms',
    label: `Text message to ${user.phone.slice(0, -4).replace(/\d/g, '•')}${user.phone.slice(-4)}`,
    phone: user.phone,
  });
  await ctx.trx.updateTable('mfa_factors').set({ confirmed_at: new Date() }).where('id', '=', id).execute();
  const backupCodes = await factorAdded(deps, ctx, user, (t) => t('mail:securityNotice.factor.smsAdded'));
  return { factorId: id, added: true, ...(backupCodes ? { backupCodes } : {}) };
}

/**
 * Texts a sign-in code to the user's SMS factor for this sign-in attempt (the pending session's id
 * hash); a new request replaces the previous code.
 */
export async function sendSmsChallenge(
  deps: AuthDeps,
  ctx: AuthContext,
  userId: string,
  attempt: string,
): Promise<void> {
  const factor = (await confirmedFactors(ctx.trx, userId)).find((f) => f.kind === 'sms' && f.phone);
  if (!factor?.phone) throw new AppError('bad_request', 'No text-message factor is set up.');
  await limit(deps, `sms:user:${userId}`, CODES_PER_HOUR);
  const code = await issueSmsCode(
    ctx.trx,
    deps.config.SECRET_KEY!,
    { userId, purpose: 'mfa', attempt },
    factor.phone,
  );
  const user = await findUserById(ctx.trx, userId);
  await deps.sms.queue(ctx.trx, factor.phone, codeText('signInCode', code, user?.locale ?? null));
}

/**
 * Checks a texted sign-in code. A wrong one answers false rather than throwing, so the
 * transaction commits its guess count and audit entry; the route refuses afterwards.
 */
export async function verifySmsChallenge(
  deps: AuthDeps,
  ctx: AuthContext,
  userId: string,
  attempt: string,
  code: string,
): Promise<boolean> {
  await limit(deps, `mfa:${userId}`, GUESSES);
  const target = { userId, purpose: 'mfa' as const, attempt };
  if (!(await consumeSmsCode(ctx.trx, deps.config.SECRET_KEY!, target, code.trim()))) {
    await recordAuthEvent(ctx.trx, 'mfa_failed', ctx.meta, userId, { method: 'sms' });
    return false;
  }
  await recordAuthEvent(ctx.trx, 'mfa_succeeded', ctx.meta, userId, { method: 'sms' });
  return true;
}
