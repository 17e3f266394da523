import type { Transaction } from 'kysely';
import type { DB } from '../platform/db/schema.js';

/** Why a person's access is being withdrawn, so a hook can say so in its own records. */
export type SignOutReason =
  | 'signed_out'
  | 'signed_out_everywhere'
  | 'password_changed'
  | 'password_reset'
  | 'disabled'
  | 'factors_reset'
  | 'account_claimed';

/**
 * Ends what a feature holds for the user beyond their browser sessions (the OAuth grants behind
 * their apps' tokens, say), in the caller's transaction; answers how many things it ended.
 */
export type SignOutHook = (trx: Transaction<DB>, userId: string, reason: SignOutReason) => Promise<number>;

const hooks = new Set<SignOutHook>();

/**
 * Features register here instead of being imported by the kernel (modules/index.ts registers each
 * FeatureModule's `onSignOut` when the feature list is loaded). A set: registering twice is harmless.
 */
export function registerSignOutHook(hook: SignOutHook): void {
  hooks.add(hook);
}

/** Runs every registered hook in `trx`, so what they end commits with the sign-out itself. */
export async function runSignOutHooks(
  trx: Transaction<DB>,
  userId: string,
  reason: SignOutReason,
): Promise<number> {
  let ended = 0;
  for (const hook of hooks) ended += await hook(trx, userId, reason);
  return ended;
}
