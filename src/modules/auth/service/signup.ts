import { recordAuthEvent } from '../../../identity/auth-events.js';
import { type AuthContext, type AuthDeps, link } from '../../../identity/context.js';
import {
  findUserByEmail,
  findUserById,
  insertUser,
  type UserRow,
  updateUser,
} from '../../../identity/users/repo.js';
import { AppError } from '../../../shared/errors.js';
import { mailWords } from '../mail-words.js';
import { verifyPassword } from '../passwords/hash.js';
import { normalizePassword } from '../passwords/policy.js';
import { LIMITS, limit } from '../throttle.js';
import { consumeToken, issueToken } from '../tokens/one-time-tokens.js';
import { isSignupProof } from '../tokens/signup-proof.js';
import { acceptNewPassword } from './password-input.js';
import { claimPendingAccount } from './pending-claim.js';

export interface SignUpInput {
  email: string;
  password: string;
  displayName: string;
  company?: string;
}

/**
 * Creates a pending account and mails a verification link. The answer is the same whether or not
 * the address already has an account (the owner of an existing one gets a notice instead), so
 * sign-up cannot be used to discover who has an account. Returns the new account's id (for the
 * sign-up proof cookie, see `tokens/signup-proof.ts`), undefined when the address was taken.
 */
export async function signUp(
  deps: AuthDeps,
  ctx: AuthContext,
  input: SignUpInput,
): Promise<string | undefined> {
  if (!deps.config.SIGNUP_ENABLED) throw new AppError('signup_disabled');
  await limit(deps, `signup:ip:${ctx.meta.ip}`, LIMITS.signupPerIp);
  const passwordHash = await acceptNewPassword(ctx.trx, input.password, {
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
      const t = mailWords(existing);
      await deps.mail.queue(ctx.trx, existing, 'security-notice', {
        name: existing.display_name,
        headline: t('mail:securityNotice.signupTaken'),
        details: [t('mail:securityNotice.nothingChanged'), t('mail:securityNotice.forgot')],
      });
    }
    return undefined;
  }
  await recordAuthEvent(ctx.trx, 'signup', ctx.meta, user.id);
  const token = await issueToken(ctx.trx, user.id, 'verify_email');
  await deps.mail.queue(ctx.trx, user, 'verify-email', {
    name: user.display_name,
    url: link(deps.config, '/auth/verify', token),
  });
  return user.id;
}

/** How the person opening a verification link shows the sign-up password is theirs. */
export interface SignupPasswordProof {
  /** The sign-up proof cookie of this browser, if any. */
  cookie?: string;
  /** The password typed again (another browser or device). */
  password?: string;
}

export interface Verified {
  /** Whether the account has a password after verification. */
  passwordSet: boolean;
  /** A password chosen by someone who could not show it was theirs was dropped. */
  passwordCleared: boolean;
  /** The confirmed account. */
  user: UserRow;
  /**
   * The link was opened in the browser that signed up (its sign-up proof cookie), within the
   * link's life: that browser may be signed in at once. Anywhere else the owner signs in.
   */
  sameBrowser: boolean;
}

/**
 * Confirms the address behind a verification link; undefined for an invalid, used or expired link
 * (or a disabled account). The link proves the mailbox, not who chose the password: that stays
 * only when this browser created the account or the password is typed again; otherwise it is
 * dropped with everything else set up before (`claimPendingAccount`). A wrong password is refused
 * and leaves the link usable.
 */
export async function verifyEmail(
  deps: AuthDeps,
  ctx: AuthContext,
  token: string,
  proof: SignupPasswordProof = {},
): Promise<Verified | undefined> {
  if (proof.password) await limit(deps, `verify:ip:${ctx.meta.ip}`, LIMITS.loginPerIp);
  const userId = await consumeToken(ctx.trx, token, 'verify_email');
  const user = userId ? await findUserById(ctx.trx, userId) : undefined;
  if (!user || user.status === 'disabled') return undefined;
  if (user.status === 'active') {
    if (!user.email_verified_at) await updateUser(ctx.trx, user.id, { email_verified_at: new Date() });
    return { passwordSet: user.password_hash !== null, passwordCleared: false, user, sameBrowser: false };
  }
  const hash = user.password_hash;
  const sameBrowser = hash !== null && isSignupProof(deps.config.SECRET_KEY!, user.id, proof.cookie);
  const typedAgain =
    hash !== null && !sameBrowser && proof.password
      ? await verifyPassword(hash, normalizePassword(proof.password))
      : false;
  if (proof.password && !sameBrowser && !typedAgain) {
    const detail =
      'This is not the password chosen when the account was created. Leave it empty if you did not create it.';
    throw new AppError('validation_failed', detail, { errors: [{ pointer: '/body/password', detail }] });
  }
  const claimed = await claimPendingAccount(
    deps.sessions,
    ctx,
    user,
    sameBrowser || typedAgain ? { keep: true } : { drop: true },
    'verification',
  );
  // The browser that signed up is signed in by the page that called this (routes.web.ts).
  if (sameBrowser && claimed.user.password_hash !== null)
    await recordAuthEvent(ctx.trx, 'login_succeeded', ctx.meta, user.id, { method: 'email_verification' });
  return {
    passwordSet: claimed.user.password_hash !== null,
    passwordCleared: claimed.passwordCleared,
    user: claimed.user,
    sameBrowser,
  };
}

/**
 * Mails a fresh confirmation link to an account still waiting for one. The answer is the same
 * whether or not the address has such an account, behind the email links' own rate limits.
 */
export async function resendVerification(deps: AuthDeps, ctx: AuthContext, email: string): Promise<void> {
  await limit(deps, `verify-resend:ip:${ctx.meta.ip}`, LIMITS.emailLinksPerIp);
  await limit(deps, `verify-resend:email:${email.trim().toLowerCase()}`, LIMITS.emailLinksPerAddress);
  const user = email.includes('@') ? await findUserByEmail(ctx.trx, email) : undefined;
  if (user?.status !== 'pending_verification') return;
  const token = await issueToken(ctx.trx, user.id, 'verify_email');
  await deps.mail.queue(ctx.trx, user, 'verify-email', {
    name: user.display_name,
    url: link(deps.config, '/auth/verify', token),
  });
}
