import { AppError } from '../../../shared/errors.js';
import { findUserByEmail, insertUser, updateUser } from '../../users/repo.js';
import { recordAuthEvent } from '../events.js';
import { limit, LIMITS } from '../throttle.js';
import { issueToken, consumeToken } from '../tokens/one-time-tokens.js';
import { type AuthContext, type AuthDeps, link } from './deps.js';
import { acceptNewPassword } from './password-input.js';

export interface SignUpInput {
  email: string;
  password: string;
  displayName: string;
  company?: string;
}

/**
 * Creates a pending account and mails a verification link. The answer is the same whether or not
 * the address already has an account (the owner of an existing one gets a notice instead), so
 * sign-up cannot be used to discover who has an account.
 */
export async function signUp(deps: AuthDeps, ctx: AuthContext, input: SignUpInput): Promise<void> {
  if (!deps.config.SIGNUP_ENABLED) throw new AppError('signup_disabled');
  await limit(deps, `signup:ip:${ctx.meta.ip}`, LIMITS.signupPerIp);
  const passwordHash = await acceptNewPassword(input.password, {
    minLength: deps.config.PASSWORD_MIN_LENGTH,
    email: input.email,
    displayName: input.displayName,
  });
  const user = await insertUser(ctx.trx, {
    email: input.email,
    display_name: input.displayName.trim(),
    company: input.company?.trim() || null,
    password_hash: passwordHash,
    password_changed_at: new Date(),
  });
  if (!user) {
    const existing = await findUserByEmail(ctx.trx, input.email);
    if (existing) {
      await deps.mail.queue(ctx.trx, existing.email, 'security-notice', {
        name: existing.display_name,
        headline: 'Someone tried to create an account with your email address',
        details: [
          'You already have an account, so nothing was changed.',
          'Forgot your password? Use "Reset password" on the sign-in page.',
        ],
      });
    }
    return;
  }
  await recordAuthEvent(ctx.trx, 'signup', ctx.meta, user.id);
  const token = await issueToken(ctx.trx, user.id, 'verify_email');
  await deps.mail.queue(ctx.trx, user.email, 'verify-email', {
    name: user.display_name,
    url: link(deps.config, '/auth/verify', token),
  });
}

/** Activates the account behind a verification link; false for an invalid, used or expired link. */
export async function verifyEmail(ctx: AuthContext, token: string): Promise<boolean> {
  const userId = await consumeToken(ctx.trx, token, 'verify_email');
  if (!userId) return false;
  await updateUser(ctx.trx, userId, { email_verified_at: new Date(), status: 'active' });
  await recordAuthEvent(ctx.trx, 'email_verified', ctx.meta, userId);
  return true;
}
