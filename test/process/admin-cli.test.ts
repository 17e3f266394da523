import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../src/platform/db/connection.js';
import { runCli } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

describe('switchboard admin create', () => {
  let testDb: TestDatabase;
  let database: Database;
  const env = () => ({
    DATABASE_URL: testDb.url,
    SECRET_KEY: 's'.repeat(48),
    PUBLIC_URL: 'https://help.example.com',
  });
  beforeAll(async () => {
    testDb = await createTestDatabase();
    database = createDatabase(testDb.url, {
      DATABASE_POOL_MAX: 1,
      DATABASE_STATEMENT_TIMEOUT_MS: 0,
      DATABASE_SSL_MODE: 'disable',
    });
  });
  afterAll(async () => {
    await database.close();
    await testDb.drop();
  });

  it('creates an active admin and prints a one-time sign-in link built from PUBLIC_URL', async () => {
    const result = await runCli(
      ['admin', 'create', '--email', 'Boss@Example.com', '--name', 'The Boss'],
      env(),
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Created administrator boss@example.com.');
    expect(result.stdout).toMatch(/https:\/\/help\.example\.com\/auth\/magic\?token=[A-Za-z0-9_-]{43}/);
    const { rows } = await sql<{
      roles: string[];
      status: string;
    }>`select roles, status from users where email = 'boss@example.com'`.execute(database.db);
    expect(rows).toEqual([{ roles: ['admin'], status: 'active' }]);
  });

  it('refuses a weak password from stdin with the reason, and writes nothing', async () => {
    const result = await runCli(
      ['admin', 'create', '--email', 'weak@example.com', '--password-stdin'],
      env(),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Use at least 12 characters.');
    const { rows } = await sql`select 1 from users where email = 'weak@example.com'`.execute(database.db);
    expect(rows).toEqual([]);
  });

  it('without PUBLIC_URL and before any server started, says where its link points', async () => {
    const { PUBLIC_URL: _, ...withoutPublicUrl } = env();
    const result = await runCli(['admin', 'create', '--email', 'early@example.com'], withoutPublicUrl);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('No server has started on this database yet');
    expect(result.stdout).toMatch(/http:\/\/localhost:3000\/auth\/magic\?token=/);
  });

  it('requires --email', async () => {
    const result = await runCli(['admin', 'create'], env());
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("required option '--email <email>'");
  });
});
