import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import './table.js';

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
