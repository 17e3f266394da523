import { sql, type Transaction } from 'kysely';
import { createDatabase, type Database } from '../../src/platform/db/connection.js';
import type { DB } from '../../src/platform/db/schema.js';
import type { TestApp } from './app.js';

/** A one-connection pool as the database owner, to run raw SQL as the app role would (row-level security tests). */
export const ownerDatabase = (t: TestApp): Database =>
  createDatabase(t.database.url, {
    DATABASE_POOL_MAX: 1,
    DATABASE_STATEMENT_TIMEOUT_MS: 0,
    DATABASE_SSL_MODE: 'disable',
  });

/** Runs `query` the way the app does: as the app role, for `userId`, with `permissions`. */
export function asApp<T>(
  owner: Database,
  userId: string,
  permissions: string[],
  query: (trx: Transaction<DB>) => Promise<T>,
): Promise<T> {
  return owner.db.transaction().execute(async (trx) => {
    await sql`set local role switchboard_app`.execute(trx);
    await sql`select set_config('app.context', 'user', true), set_config('app.user_id', ${userId}, true),
      set_config('app.permissions', ${permissions.join(',')}, true)`.execute(trx);
    return query(trx);
  });
}
