import { readFile, writeFile } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { describeSchema } from '../../../test/support/schema-snapshot.js';

const SNAPSHOT = new URL('./schema.sql', import.meta.url);
const REGENERATE = 'npm run db:snapshot';
const HEADER = `-- The database as the migrations leave it, read from PostgreSQL's catalogue.
-- Generated: do not edit. Change a migration, then run \`${REGENERATE}\` and commit the result;
-- a test compares this file with a freshly migrated database. pg-boss's own schema is left out.\n\n`;

/** Where the two texts first part, with a few lines either side: enough to see what changed. */
function firstDifference(expected: string, actual: string): string {
  const [want, got] = [expected.split('\n'), actual.split('\n')];
  let line = 0;
  while (line < want.length && want[line] === got[line]) line++;
  const around = (text: string[]) => text.slice(Math.max(0, line - 3), line + 4).join('\n');
  return `first difference at line ${line + 1} of schema.sql\n--- checked in\n${around(want)}\n+++ migrated\n${around(got)}`;
}

let database: TestDatabase;
let client: pg.Client;
beforeAll(async () => {
  database = await createTestDatabase();
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
});
afterAll(async () => {
  await client?.end();
  await database?.drop();
});

it(`schema.sql describes the migrated database (regenerate with \`${REGENERATE}\`)`, async () => {
  const actual = HEADER + (await describeSchema(client));
  if (process.env.SCHEMA_SNAPSHOT === 'update') await writeFile(SNAPSHOT, actual);
  const expected = await readFile(SNAPSHOT, 'utf8').catch(() => '');
  if (expected !== actual)
    expect.fail(
      `The schema changed: run \`${REGENERATE}\` and review the diff.\n${firstDifference(expected, actual)}`,
    );
});
