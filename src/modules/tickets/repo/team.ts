import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../../platform/db/schema.js';
import '../../../identity/users/table.js';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * Active holders of any of `roles`, through a function that may read every user: a customer's
 * reply must reach a team whose rows row-level security hides from them.
 */
export async function activeUserIdsInRoles(db: Db, roles: readonly string[]): Promise<string[]> {
  const { rows } = await sql<{
    id: string;
  }>`select id from active_users_in_roles(${roles}::text[]) as id`.execute(db);
  return rows.map((r) => r.id);
}

/** Active holders of any of `roles`, by name, for the assignee choices. */
export function activeUsersInRoles(db: Db, roles: readonly string[]) {
  if (roles.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('users')
    .select(['id', 'display_name', 'email'])
    .where('status', '=', 'active')
    .where('roles', '&&', sql<string[]>`${roles}::text[]`)
    .orderBy('display_name')
    .orderBy('email')
    .execute();
}

/** A would-be assignee's standing: whether the account is active, and its roles. */
export const userStanding = (db: Db, userId: string) =>
  db.selectFrom('users').select(['status', 'roles']).where('id', '=', userId).executeTakeFirst();
