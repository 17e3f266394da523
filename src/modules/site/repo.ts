import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import './table.js';

/** Sets one instance setting, replacing what was there. */
export async function saveSetting(db: Kysely<DB>, key: string, value: unknown): Promise<void> {
  const json = JSON.stringify(value);
  await db
    .insertInto('instance_settings')
    .values({ key, value: json })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: json, updated_at: new Date() }))
    .execute();
}

export async function findSetting(
  db: Kysely<DB>,
  key: string,
): Promise<{ value: unknown; updatedAt: Date } | undefined> {
  const row = await db
    .selectFrom('instance_settings')
    .select(['value', 'updated_at'])
    .where('key', '=', key)
    .executeTakeFirst();
  return row && { value: row.value, updatedAt: row.updated_at };
}
