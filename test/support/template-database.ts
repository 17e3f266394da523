import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { grantAppRoleLogin } from '../../src/platform/db/app-login.js';
import { migrateToLatest } from '../../src/platform/db/migrate.js';
import { installJobSchema } from '../../src/platform/jobs/install.js';
import { databaseUrl } from './database-url.js';

/** Creates a fresh database migrated to the latest schema (including the job queue's), to clone per file. */
export async function createTemplateDatabase(
  adminUrl: string,
): Promise<{ name: string; drop(): Promise<void> }> {
  const name = `sb_test_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = databaseUrl(adminUrl, name);
  const db = new Kysely({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 2 }) }),
  });
  try {
    await migrateToLatest(db);
    // As `db migrate` does; the test server trusts local connections, so the password is moot.
    await grantAppRoleLogin(db, 'test-secret-key-that-is-long-enough-0123456789');
  } finally {
    await db.destroy();
  }
  await installJobSchema(url);
  return {
    name,
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}
