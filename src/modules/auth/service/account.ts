import { recordAuthEvent } from '../../../identity/auth-events.js';
import type { AuthContext, AuthDeps } from '../../../identity/context.js';
import { runSignOutHooks } from '../../../identity/sign-out-hooks.js';
import { findUserById, updateUser } from '../../../identity/users/repo.js';
import { AppError } from '../../../shared/errors.js';
import { mailWords } from '../mail-words.js';
import { verifyPassword } from '../passwords/hash.js';
import { normalizePassword } from '../passwords/policy.js';
import { throttledPasswordCheck } from '../throttle.js';
import { acceptNewPassword } from './password-input.js';

/**
 * Changes the password of a signed-in user who proves the current one, ends every other session
 * and mails a notice. The caller replaces the current session's id (privilege change).
 */
export async function changePassword(
  deps: AuthDeps,
  ctx: AuthContext,
  userId: string,
  currentIdHash: string,
  current: string,
  next: string,
): Promise<number> {
  const user = await findUserById(ctx.trx, userId);
  if (!user) throw new AppError('unauthenticated');
  const hash = user.password_hash;
  if (
    !(await throttledPasswordCheck(
      deps,
      user.id,
      async () => !!hash && verifyPassword(hash, normalizePassword(current)),
    ))
  ) {
    throw new AppError('validation_failed', 'The current password is not correct.', {
      errors: [{ pointer: '/body/currentPassword', detail: 'The current password is not correct.' }],
    });
  }
  const passwordHash = await acceptNewPassword(ctx.trx, next, {
    minLength: deps.config.PASSWORD_MIN_LENGTH,
    email: user.email,
    displayName: user.display_name,
  });
  await updateUser(ctx.trx, user.id, { password_hash: passwordHash, password_changed_at: new Date() });
  const ended = await deps.sessions.deleteByUser(user.id, currentIdHash);
  await runSignOutHooks(ctx.trx, user.id, 'password_changed');
  await recordAuthEvent(ctx.trx, 'password_changed', ctx.meta, user.id, { sessionsEnded: ended });
  const t = mailWords(user);
  await deps.mail.queue(ctx.trx, user, 'security-notice', {
    name: user.display_name,
    headline: t('mail:securityNotice.passwordChanged'),
    details: [
      t('mail:securityNotice.othersSignedOut', { count: ended }),
      t('mail:securityNotice.notYouReset'),
    ],
  });
  return ended;
}
