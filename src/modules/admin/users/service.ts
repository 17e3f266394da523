import { recordAuthEvent } from '../../../identity/auth-events.js';
import type { AuthContext, AuthDeps } from '../../../identity/context.js';
import { link } from '../../../identity/context.js';
import { loadRoleGraph } from '../../../identity/role-graph-repo.js';
import { runSignOutHooks } from '../../../identity/sign-out-hooks.js';
import {
  countActiveUsersWithAnyRole,
  findUserByEmail,
  findUserById,
  insertUser,
  type UserRow,
  updateUser,
} from '../../../identity/users/repo.js';
import { translator } from '../../../platform/i18n/catalog.js';
import { pickLocale } from '../../../platform/i18n/locales.js';
import { AppError } from '../../../shared/errors.js';
import { issueToken } from '../../auth/index.js';

/** Who performs an administrative action: a signed-in administrator, or the CLI on the server. */
export interface Actor {
  userId: string | null;
  name: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

async function targetUser(ctx: AuthContext, userId: string): Promise<UserRow> {
  const user = await findUserById(ctx.trx, userId);
  if (!user) throw new AppError('not_found', 'No such user.');
  return user;
}

/**
 * Invites someone by email: the account exists at once (pending until accepted, no password) and
 * the invitation mail carries a 7-day single-use link to choose a password. This is how people
 * join when self sign-up is off.
 */
export async function inviteUser(
  deps: AuthDeps,
  ctx: AuthContext,
  actor: Actor,
  input: { email: string; displayName: string; roles?: readonly string[] },
): Promise<UserRow> {
  const email = input.email.trim();
  if (!EMAIL.test(email)) {
    throw new AppError('validation_failed', undefined, {
      errors: [{ pointer: '/body/email', detail: 'Enter a valid email address.' }],
    });
  }
  const roles = [...new Set(input.roles?.length ? input.roles : ['customer'])];
  const known = Object.keys((await loadRoleGraph(ctx.trx)).roles);
  const unknown = roles.filter((r) => !known.includes(r));
  if (unknown.length > 0) {
    const detail = `Unknown role ${unknown.join(', ')}; choose from ${known.join(', ')}.`;
    throw new AppError('validation_failed', detail, { errors: [{ pointer: '/body/roles', detail }] });
  }
  const user = await insertUser(ctx.trx, {
    email,
    display_name: input.displayName.trim() || email.split('@')[0]!,
    roles,
    status: 'pending_verification',
  });
  if (!user) throw new AppError('conflict', `${email.toLowerCase()} already has an account.`);
  const token = await issueToken(ctx.trx, user.id, 'invitation');
  await deps.mail.queue(ctx.trx, user, 'invitation', {
    name: user.display_name,
    inviter: actor.name,
    site: new URL(deps.config.PUBLIC_URL).host,
    url: link(deps.config, '/auth/invite', token),
  });
  await recordAuthEvent(ctx.trx, 'user_invited', ctx.meta, user.id, { by: actor.userId, roles });
  return user;
}

/**
 * Ends every session of a user (a lost laptop, a suspicion): they must sign in again, in the
 * browser and in every app, since the grants behind their apps' tokens are revoked too.
 */
export async function endUserSessions(
  deps: AuthDeps,
  ctx: AuthContext,
  actor: Actor,
  userId: string,
): Promise<number> {
  const user = await targetUser(ctx, userId);
  const ended = await deps.sessions.deleteByUser(user.id);
  const revokedGrants = await runSignOutHooks(ctx.trx, user.id, 'signed_out_everywhere');
  await recordAuthEvent(ctx.trx, 'session_revoked', ctx.meta, user.id, {
    by: actor.userId,
    count: ended,
    revokedGrants,
  });
  return ended;
}

/**
 * Disables an account and ends all its sessions at once. An administrator cannot disable
 * themselves, and the last active administrator cannot be disabled: someone must be able to undo it.
 */
export async function disableUser(
  deps: AuthDeps,
  ctx: AuthContext,
  actor: Actor,
  userId: string,
): Promise<{ user: UserRow; endedSessions: number }> {
  const user = await targetUser(ctx, userId);
  if (actor.userId === user.id) throw new AppError('conflict', 'You cannot disable your own account.');
  if (user.status === 'disabled') return { user, endedSessions: 0 };
  if (user.roles.includes('admin') && (await countActiveUsersWithAnyRole(ctx.trx, ['admin'])) <= 1)
    throw new AppError(
      'conflict',
      'This is the last active administrator; make someone else an administrator first.',
    );
  const updated = (await updateUser(ctx.trx, user.id, { status: 'disabled' }))!;
  const endedSessions = await deps.sessions.deleteByUser(user.id);
  await runSignOutHooks(ctx.trx, user.id, 'disabled');
  await recordAuthEvent(ctx.trx, 'user_disabled', ctx.meta, user.id, { by: actor.userId, endedSessions });
  return { user: updated, endedSessions };
}

/** Lets a disabled account sign in again (an invited one that never accepted stays pending). */
export async function enableUser(
  _deps: AuthDeps,
  ctx: AuthContext,
  actor: Actor,
  userId: string,
): Promise<UserRow> {
  const user = await targetUser(ctx, userId);
  if (user.status !== 'disabled') return user;
  const status = user.email_verified_at ? 'active' : 'pending_verification';
  const updated = (await updateUser(ctx.trx, user.id, { status }))!;
  await recordAuthEvent(ctx.trx, 'user_enabled', ctx.meta, user.id, { by: actor.userId });
  return updated;
}

/**
 * Removes every second factor and backup code of a user who lost their devices, and signs them out
 * everywhere: their next sign-in starts enrolment afresh. The reason is kept in the audit log and
 * the owner is told by mail.
 */
export async function resetUserMfa(
  deps: AuthDeps,
  ctx: AuthContext,
  actor: Actor,
  userId: string,
  reason: string,
): Promise<{ removedFactors: number }> {
  const user = await targetUser(ctx, userId);
  if (reason.trim().length < 5) {
    throw new AppError('validation_failed', undefined, {
      errors: [
        { pointer: '/body/reason', detail: 'Say why (at least 5 characters); it goes into the audit log.' },
      ],
    });
  }
  const removed = await ctx.trx.deleteFrom('mfa_factors').where('user_id', '=', user.id).executeTakeFirst();
  await ctx.trx.deleteFrom('mfa_backup_codes').where('user_id', '=', user.id).execute();
  const endedSessions = await deps.sessions.deleteByUser(user.id);
  // Whoever got past the removed factors may have connected apps too.
  await runSignOutHooks(ctx.trx, user.id, 'factors_reset');
  const removedFactors = Number(removed.numDeletedRows);
  await recordAuthEvent(ctx.trx, 'mfa_reset', ctx.meta, user.id, {
    by: actor.userId,
    reason: reason.trim(),
    removedFactors,
    endedSessions,
  });
  // In the owner's language, as the rest of the mail.
  const t = translator(pickLocale(user.locale));
  await deps.mail.queue(ctx.trx, user, 'security-notice', {
    name: user.display_name,
    headline: t('mail:securityNotice.mfaReset'),
    details: [
      t('mail:securityNotice.mfaResetBy', { actor: actor.name, reason: reason.trim() }),
      t('mail:securityNotice.mfaResetAgain'),
      t('mail:securityNotice.contactAdmin'),
    ],
  });
  return { removedFactors };
}

/** Finds the user an administrator names by email (CLI) or id (API). */
export async function userByEmailOrFail(ctx: AuthContext, email: string): Promise<UserRow> {
  const user = await findUserByEmail(ctx.trx, email);
  if (!user) throw new AppError('not_found', `No user with the email address ${email.trim().toLowerCase()}.`);
  return user;
}
