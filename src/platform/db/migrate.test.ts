import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmptyDatabase, type TestDatabase } from '../../../test/support/database.js';
import { createDatabase, type Database } from './connection.js';
import { migrateToLatest, migrationStatus, rollback } from './migrate.js';

const settings = {
  DATABASE_POOL_MAX: 2,
  DATABASE_STATEMENT_TIMEOUT_MS: 0,
  DATABASE_SSL_MODE: 'disable' as const,
};

async function tables(database: Database): Promise<string[]> {
  const { rows } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables where table_schema = 'public' order by table_name`.execute(
    database.db,
  );
  return rows.map((r) => r.table_name).filter((t) => !t.startsWith('schema_migrations'));
}

describe('migrations', () => {
  let testDb: TestDatabase;
  let database: Database;
  beforeAll(async () => {
    testDb = await createEmptyDatabase();
    database = createDatabase(testDb.url, settings);
  });
  afterAll(async () => {
    await database.close();
    await testDb.drop();
  });

  it('migrate up, down to nothing, and up again', async () => {
    const applied = await migrateToLatest(database.db);
    expect(applied.length).toBeGreaterThanOrEqual(2);
    expect(applied).toEqual([...applied].sort());
    const afterUp = await tables(database);
    expect(afterUp).toContain('instance_settings');
    expect(afterUp).toContain('job_runs');

    const status = await migrationStatus(database.db);
    expect(status.every((m) => m.executedAt instanceof Date)).toBe(true);

    expect(await migrateToLatest(database.db)).toEqual([]);

    const reverted = await rollback(database.db, 1);
    expect(reverted).toEqual([applied[applied.length - 1]]);
    expect((await migrationStatus(database.db)).filter((m) => !m.executedAt).map((m) => m.name)).toEqual(
      reverted,
    );

    await rollback(database.db, 1000);
    expect(await tables(database)).toEqual([]);

    expect(await migrateToLatest(database.db)).toEqual(applied);
    expect(await tables(database)).toEqual(afterUp);
  });
});
