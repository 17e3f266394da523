import type { Transaction } from 'kysely';
import type { Config } from '../../../config.js';
import { recordAuthEvent } from '../../../identity/auth-events.js';
import { link } from '../../../identity/context.js';
import { findUserByEmail, insertUser, updateUser } from '../../../identity/users/repo.js';
import type { DB } from '../../../platform/db/schema.js';
import { AppError } from '../../../shared/errors.js';
import { issueToken } from '../tokens/one-time-tokens.js';
import { acceptNewPassword } from './password-input.js';
import { claimPendingAccount } from './pending-claim.js';

export interface AdminCreated {
  userId: string;
  /** A one-time sign-in link, when no password was given. */
  signInUrl?: string;
  promoted: boolean;
}

/**
 * Creates an administrator (or promotes an existing account) from the CLI: there are no default
 * accounts, so this is how the first admin comes to be. Without a password, a one-time magic link
 * (valid 15 minutes) is returned for the operator to open. A pending account is promoted without
 * anything set up before the operator vouched for it: whoever signed up with that address may not
 * be its owner, so their password goes (`claimPendingAccount`).
 */
export async function createAdmin(
  trx: Transaction<DB>,
  config: Config,
  input: { email: string; displayName: string; password?: string },
): Promise<AdminCreated> {
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(input.email))
    throw new AppError('bad_request', `${input.email} is not an email address.`);
  const passwordHash =
    input.password !== undefined
      ? await acceptNewPassword(trx, input.password, {
          minLength: config.PASSWORD_MIN_LENGTH,
          email: input.email,
          displayName: input.displayName,
        })
      : undefined;
  const existing = await findUserByEmail(trx, input.email);
  const passwordFields = passwordHash ? { password_hash: passwordHash, password_changed_at: new Date() } : {};
  const meta = { ip: 'cli', userAgent: 'switchboard admin create' };
  // A disabled account that never proved its address is as unproven as a pending one.
  const unproven =
    existing?.status === 'pending_verification' ||
    (existing?.status === 'disabled' && !existing.email_verified_at);
  if (existing && unproven) {
    const password = passwordHash ? { replaceWith: passwordHash } : { drop: true as const };
    const pending = { ...existing, status: 'pending_verification' as const };
    await claimPendingAccount(undefined, { trx, meta }, pending, password, 'cli');
  }
  const user = existing
    ? await updateUser(trx, existing.id, {
        roles: [...new Set([...existing.roles, 'admin'])],
        status: 'active',
        ...passwordFields,
      })
    : await insertUser(trx, {
        email: input.email,
        display_name: input.displayName,
        roles: ['admin'],
        status: 'active',
        email_verified_at: new Date(),
        ...passwordFields,
      });
  if (!user) throw new Error('admin could not be created');
  await recordAuthEvent(trx, 'signup', meta, user.id, {
    role: 'admin',
    promoted: Boolean(existing),
  });
  const signInUrl = passwordHash
    ? undefined
    : link(config, '/auth/magic', await issueToken(trx, user.id, 'magic_link'));
  return { userId: user.id, promoted: Boolean(existing), ...(signInUrl ? { signInUrl } : {}) };
}
