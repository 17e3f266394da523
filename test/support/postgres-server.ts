import path from 'node:path';
import { startEmbeddedPostgres } from '../../src/platform/db/embedded.js';

/**
 * TEST_DATABASE_URL names a server (any database on it) the tests may create databases on.
 * Without it, an embedded PostgreSQL is started in .tmp/test-postgres, so `npm test` works on a
 * laptop with nothing installed. Under CI=true the external server is mandatory.
 */
export async function startTestPostgres(): Promise<{ adminUrl: string; stop(): Promise<void> }> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) return { adminUrl: url, stop: async () => {} };
  if (process.env.CI === 'true')
    throw new Error('CI=true requires TEST_DATABASE_URL (a PostgreSQL server for tests)');
  const server = await startEmbeddedPostgres({ dataDir: path.resolve('.tmp/test-postgres') });
  return { adminUrl: server.url, stop: () => server.stop() };
}
