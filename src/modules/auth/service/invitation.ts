import { recordAuthEvent } from '../../../identity/auth-events.js';
import type { AuthContext, AuthDeps } from '../../../identity/context.js';
import { findUserById, type UserRow, updateUser } from '../../../identity/users/repo.js';
import { AppError } from '../../../shared/errors.js';
import { consumeToken } from '../tokens/one-time-tokens.js';
import { acceptNewPassword } from './password-input.js';
import { claimPendingAccount } from './pending-claim.js';

/**
 * Accepts an invitation: the link proves the mailbox, the password is checked like any new one,
 * and the account becomes active with it and nothing set up before (`claimPendingAccount`). The
 * caller signs the person in (second factor rules apply).
 */
export async function acceptInvitation(
  deps: AuthDeps,
  ctx: AuthContext,
  token: string,
  password: string,
): Promise<UserRow> {
  const userId = await consumeToken(ctx.trx, token, 'invitation');
  const user = userId ? await findUserById(ctx.trx, userId) : undefined;
  if (!user || user.status === 'disabled')
    throw new AppError(
      'bad_request',
      'This invitation is invalid, used or expired. Ask your administrator for a new one.',
    );
  const passwordHash = await acceptNewPassword(ctx.trx, password, {
    minLength: deps.config.PASSWORD_MIN_LENGTH,
    email: user.email,
    displayName: user.display_name,
  });
  const activated =
    user.status === 'pending_verification'
      ? (await claimPendingAccount(deps.sessions, ctx, user, { replaceWith: passwordHash }, 'invitation'))
          .user
      : await updateUser(ctx.trx, user.id, { password_hash: passwordHash, password_changed_at: new Date() });
  await recordAuthEvent(ctx.trx, 'invitation_accepted', ctx.meta, user.id);
  return activated!;
}
