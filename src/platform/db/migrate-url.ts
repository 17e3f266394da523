import type { Config } from '../../config.js';
import { resolveSecretKey } from '../secrets/secret-key.js';
import { grantAppRoleLogin } from './app-login.js';
import { createDatabase } from './connection.js';
import { migrateToLatest, migrationStatus, rollback } from './migrate.js';

/** Runs one migration command on its own short-lived connection (migrations may outlive pool settings). */
async function withDatabase<T>(
  url: string,
  config: Config,
  run: (db: ReturnType<typeof createDatabase>['db']) => Promise<T>,
): Promise<T> {
  const database = createDatabase(url, {
    ...config,
    DATABASE_POOL_MAX: 1,
    DATABASE_STATEMENT_TIMEOUT_MS: 0,
    applicationName: 'switchboard-migrate',
  });
  try {
    return await run(database.db);
  } finally {
    await database.close();
  }
}

/** Brings the schema up to date, then lets the app role log in (the app's pool connects as it). */
export async function migrateUrl(url: string, config: Config): Promise<string[]> {
  const { SECRET_KEY } = await resolveSecretKey(config);
  return withDatabase(url, config, async (db) => {
    const applied = await migrateToLatest(db);
    await grantAppRoleLogin(db, SECRET_KEY);
    return applied;
  });
}
export const rollbackUrl = (url: string, config: Config, steps: number) =>
  withDatabase(url, config, (db) => rollback(db, steps));
export const statusUrl = (url: string, config: Config) => withDatabase(url, config, migrationStatus);
