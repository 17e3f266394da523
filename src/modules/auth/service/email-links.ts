import { recordAuthEvent } from '../../../identity/auth-events.js';
import { type AuthContext, type AuthDeps, link } from '../../../identity/context.js';
import { runSignOutHooks } from '../../../identity/sign-out-hooks.js';
import { findUserByEmail, findUserById, updateUser } from '../../../identity/users/repo.js';
import { AppError } from '../../../shared/errors.js';
import { mailWords } from '../mail-words.js';
import { LIMITS, liftSignInBackoff, limit } from '../throttle.js';
import { consumeToken, issueToken } from '../tokens/one-time-tokens.js';
import { acceptNewPassword } from './password-input.js';
import { type Claimed, claimPendingAccount } from './pending-claim.js';

async function limitEmailLinks(deps: AuthDeps, ctx: AuthContext, kind: string, email: string): Promise<void> {
  await limit(deps, `${kind}:ip:${ctx.meta.ip}`, LIMITS.emailLinksPerIp);
  await limit(deps, `${kind}:email:${email.trim().toLowerCase()}`, LIMITS.emailLinksPerAddress);
}

/** Mails a sign-in link when the address has a usable account; answers the same either way. */
export async function requestMagicLink(deps: AuthDeps, ctx: AuthContext, email: string): Promise<void> {
  await limitEmailLinks(deps, ctx, 'magic', email);
  const user = await findUserByEmail(ctx.trx, email);
  if (!user || user.status === 'disabled') return;
  const token = await issueToken(ctx.trx, user.id, 'magic_link');
  await deps.mail.queue(ctx.trx, user, 'magic-link', {
    name: user.display_name,
    url: link(deps.config, '/auth/magic', token),
  });
  await recordAuthEvent(ctx.trx, 'magic_link_sent', ctx.meta, user.id);
}

/**
 * Signs in with a magic link. Following it proves the mailbox, so a pending account becomes
 * active, without the password someone chose before that proof (`claimPendingAccount`).
 */
export async function consumeMagicLink(deps: AuthDeps, ctx: AuthContext, token: string): Promise<Claimed> {
  const userId = await consumeToken(ctx.trx, token, 'magic_link');
  const user = userId ? await findUserById(ctx.trx, userId) : undefined;
  if (!user || user.status === 'disabled')
    throw new AppError('invalid_credentials', 'This sign-in link is invalid, used or expired.');
  const claimed = await claimPendingAccount(deps.sessions, ctx, user, { drop: true }, 'magic_link');
  await recordAuthEvent(ctx.trx, 'login_succeeded', ctx.meta, user.id, { method: 'magic_link' });
  return claimed;
}

export async function requestPasswordReset(deps: AuthDeps, ctx: AuthContext, email: string): Promise<void> {
  await limitEmailLinks(deps, ctx, 'reset', email);
  const user = await findUserByEmail(ctx.trx, email);
  if (!user || user.status === 'disabled') return;
  const token = await issueToken(ctx.trx, user.id, 'reset_password');
  await deps.mail.queue(ctx.trx, user, 'password-reset', {
    name: user.display_name,
    url: link(deps.config, '/auth/reset', token),
  });
  await recordAuthEvent(ctx.trx, 'password_reset_requested', ctx.meta, user.id);
}

/**
 * Sets a new password from a reset link and ends every session of the user. It does not sign the
 * user in: the next sign-in goes through the normal path, second factor included. The link proves
 * the mailbox and the password is chosen by whoever holds it, so a pending account becomes active
 * with this password and nothing else set up before (`claimPendingAccount`).
 */
export async function resetPassword(
  deps: AuthDeps,
  ctx: AuthContext,
  token: string,
  password: string,
): Promise<void> {
  const userId = await consumeToken(ctx.trx, token, 'reset_password');
  const user = userId ? await findUserById(ctx.trx, userId) : undefined;
  if (!user) throw new AppError('bad_request', 'This reset link is invalid, used or expired.');
  const passwordHash = await acceptNewPassword(ctx.trx, password, {
    minLength: deps.config.PASSWORD_MIN_LENGTH,
    email: user.email,
    displayName: user.display_name,
  });
  if (user.status === 'pending_verification')
    await claimPendingAccount(deps.sessions, ctx, user, { replaceWith: passwordHash }, 'password_reset');
  else await updateUser(ctx.trx, user.id, { password_hash: passwordHash, password_changed_at: new Date() });
  const ended = await deps.sessions.deleteByUser(user.id);
  await liftSignInBackoff(deps, user.id);
  await runSignOutHooks(ctx.trx, user.id, 'password_reset');
  await recordAuthEvent(ctx.trx, 'password_reset', ctx.meta, user.id, { sessionsEnded: ended });
  const t = mailWords(user);
  await deps.mail.queue(ctx.trx, user, 'security-notice', {
    name: user.display_name,
    headline: t('mail:securityNotice.passwordChanged'),
    details: [t('mail:securityNotice.allSignedOut'), t('mail:securityNotice.notYouReset')],
  });
}
