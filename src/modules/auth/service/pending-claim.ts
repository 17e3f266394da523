import { recordAuthEvent } from '../../../identity/auth-events.js';
import type { AuthContext } from '../../../identity/context.js';
import { runSignOutHooks } from '../../../identity/sign-out-hooks.js';
import type { UserRow } from '../../../identity/users/repo.js';
import { updateUser } from '../../../identity/users/repo.js';
import type { SessionStore } from '../../../platform/sessions/port.js';
import { retireTokensOfUser } from '../tokens/one-time-tokens.js';

export interface Claimed {
  user: UserRow;
  /** A password chosen before the address was proven was dropped: the owner has none now. */
  passwordCleared: boolean;
}

export type PasswordOnClaim =
  /** The password was chosen by whoever proves the address now (same browser, or typed it again). */
  | { keep: true }
  /** The one proving the address chose this password just now (invitation, reset link). */
  | { replaceWith: string }
  /** Nobody showed the password was theirs: it goes. */
  | { drop: true };

/**
 * The owner of the mailbox has just proven it, on a pending account. Anybody could have created
 * that account with their address ("pre-hijacked accounts", Sudhodanan & Paverd, USENIX Security
 * 2022), so nothing set up before this moment survives unless the owner shows it is theirs: the
 * password (see `PasswordOnClaim`), second factors and passkeys, backup codes, a phone number,
 * texted codes, passkey challenges, unused emailed links, sessions and OAuth grants.
 * Accounts that are not pending come back unchanged. `sessions` is absent only on the CLI, which
 * has no session store at hand (and a pending account has none: every sign-in refuses it).
 */
export async function claimPendingAccount(
  sessions: SessionStore | undefined,
  ctx: Pick<AuthContext, 'trx' | 'meta'>,
  user: UserRow,
  password: PasswordOnClaim,
  via: 'verification' | 'magic_link' | 'invitation' | 'password_reset' | 'cli',
): Promise<Claimed> {
  if (user.status !== 'pending_verification') return { user, passwordCleared: false };
  const { trx } = ctx;
  const factors = await trx.deleteFrom('mfa_factors').where('user_id', '=', user.id).executeTakeFirst();
  await trx.deleteFrom('mfa_backup_codes').where('user_id', '=', user.id).execute();
  await trx.deleteFrom('sms_codes').where('user_id', '=', user.id).execute();
  await trx.deleteFrom('webauthn_challenges').where('user_id', '=', user.id).execute();
  const tokensRetired = await retireTokensOfUser(trx, user.id);
  const sessionsEnded = sessions ? await sessions.deleteByUser(user.id) : 0;
  await runSignOutHooks(trx, user.id, 'account_claimed');
  const passwordCleared = 'drop' in password && user.password_hash !== null;
  const passwordFields =
    'replaceWith' in password
      ? { password_hash: password.replaceWith, password_changed_at: new Date() }
      : 'drop' in password
        ? { password_hash: null, password_changed_at: null }
        : {};
  const claimed = await updateUser(trx, user.id, {
    status: 'active',
    email_verified_at: user.email_verified_at ?? new Date(),
    phone: null,
    phone_verified_at: null,
    ...passwordFields,
  });
  await recordAuthEvent(trx, 'email_verified', ctx.meta, user.id, {
    via,
    passwordCleared,
    factorsRemoved: Number(factors.numDeletedRows),
    tokensRetired,
    sessionsEnded,
  });
  return { user: claimed ?? user, passwordCleared };
}

/** What the owner is told when a password was dropped, and how to get one. */
export const PASSWORD_CLEARED_NOTICE =
  'This account had a password that was set before your email address was confirmed, so it was removed: ' +
  'no password is set now. To sign in with a password, choose one with "Reset password" on the sign-in page ' +
  '(/reset); until then, sign in with an emailed link.';
