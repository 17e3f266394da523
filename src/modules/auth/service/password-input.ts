import type { Kysely } from 'kysely';
import type { DB } from '../../../platform/db/schema.js';
import { invalidField } from '../../../shared/errors.js';
import { findSetting } from '../../site/index.js';
import { hashPassword } from '../passwords/hash.js';
import { checkPassword, normalizePassword, type PasswordContext } from '../passwords/policy.js';

/** The instance name an administrator gave this site, refused in passwords like the product's. */
async function siteName(db: Kysely<DB>): Promise<string | undefined> {
  const name = ((await findSetting(db, 'instance'))?.value as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' ? name : undefined;
}

/** Checks a new password against the policy (400 with the reason on /body/password) and hashes it. */
export async function acceptNewPassword(
  db: Kysely<DB>,
  password: string,
  context: Omit<PasswordContext, 'siteName'>,
): Promise<string> {
  const name = await siteName(db);
  const problem = checkPassword(password, { ...context, ...(name ? { siteName: name } : {}) });
  if (problem) {
    // Pages and API answers say it in the reader's language through the message key.
    throw invalidField('/body/password', problem.message, {
      key: `auth:password.${problem.code}`,
      values: problem.values ?? {},
    });
  }
  return hashPassword(normalizePassword(password));
}
