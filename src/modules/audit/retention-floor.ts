import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import '../../platform/audit/table.js';

/**
 * Sets the floor audit_purge() enforces. Only the database owner may (the app role reads it), so
 * nobody working through the app can shorten how long the log is kept.
 */
export async function setRetentionFloor(owner: Kysely<DB>, days: number): Promise<void> {
  await owner.updateTable('audit_retention').set({ days }).where('id', '=', true).execute();
}

export async function retentionFloor(db: Kysely<DB>): Promise<number> {
  const row = await db.selectFrom('audit_retention').select('days').executeTakeFirstOrThrow();
  return row.days;
}
