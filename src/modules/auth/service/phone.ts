import { recordAuthEvent } from '../../../identity/auth-events.js';
import type { AuthContext, AuthDeps } from '../../../identity/context.js';
import { type UserRow, updateUser } from '../../../identity/users/repo.js';
import { E164 } from '../../../platform/sms/port.js';
import { AppError, invalidField } from '../../../shared/errors.js';
import { consumeSmsCode, issueSmsCode } from '../mfa/sms-codes.js';
import { codeText } from '../texts.js';
import { limit } from '../throttle.js';

// Each text costs money and can be used to harass a number: few per hour, per account and per number.
const SMS_PER_ACCOUNT = { limit: 5, windowSeconds: 3600 } as const;
const SMS_PER_NUMBER = { limit: 5, windowSeconds: 3600 } as const;
// Guesses at the texted code, as for sign-in codes (mfa/sms-factor.ts): with five guesses per code
// on top, a 6-digit code stays out of reach (NIST SP 800-63B §5.2.2).
const GUESSES = { limit: 10, windowSeconds: 900 } as const;

/** Texts a verification code to a new phone number; the number is saved only once verified. */
export async function sendPhoneVerification(
  deps: AuthDeps,
  ctx: AuthContext,
  user: UserRow,
  phone: string,
): Promise<void> {
  if (!E164.test(phone)) {
    throw invalidField(
      '/body/phone',
      'Use international format (E.164), starting with + and the country code, e.g. +31612345678.',
      { key: 'auth:account.phoneFormat' },
    );
  }
  await limit(deps, `sms:user:${user.id}`, SMS_PER_ACCOUNT);
  await limit(deps, `sms:phone:${phone}`, SMS_PER_NUMBER);
  const code = await issueSmsCode(
    ctx.trx,
    deps.config.SECRET_KEY!,
    { userId: user.id, purpose: 'verify_phone' },
    phone,
  );
  await deps.sms.queue(ctx.trx, phone, codeText('verifyCode', code, user.locale));
}

/**
 * Saves the phone number the code was texted to. A wrong code answers undefined rather than
 * throwing, so the transaction commits the guess count; the route refuses afterwards.
 */
export async function confirmPhone(
  deps: AuthDeps,
  ctx: AuthContext,
  user: UserRow,
  code: string,
): Promise<UserRow | undefined> {
  await limit(deps, `phone-verify:${user.id}`, GUESSES);
  const target = { userId: user.id, purpose: 'verify_phone' as const };
  const phone = await consumeSmsCode(ctx.trx, deps.config.SECRET_KEY!, target, code.trim());
  if (!phone) return undefined;
  const updated = await updateUser(ctx.trx, user.id, { phone, phone_verified_at: new Date() });
  await recordAuthEvent(ctx.trx, 'factor_changed', ctx.meta, user.id, { what: 'phone verified' });
  return updated ?? user;
}

/** The refusal of a wrong phone code, once the count is committed. */
export const wrongPhoneCode = (): AppError => new AppError('invalid_code');
