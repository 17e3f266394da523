import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Config } from '../../config.js';
import type { DB } from './schema.js';

// BIGINT (int8) and NUMERIC come back as strings by default; counts and ids we use fit in a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));

export type DatabaseSettings = Pick<
  Config,
  'DATABASE_POOL_MAX' | 'DATABASE_STATEMENT_TIMEOUT_MS' | 'DATABASE_SSL_MODE'
> & { applicationName?: string };

export function poolConfig(url: string, settings: DatabaseSettings): pg.PoolConfig {
  return {
    connectionString: url,
    max: settings.DATABASE_POOL_MAX,
    application_name: settings.applicationName ?? 'switchboard',
    statement_timeout: settings.DATABASE_STATEMENT_TIMEOUT_MS || undefined,
    ssl:
      settings.DATABASE_SSL_MODE === 'disable'
        ? false
        : { rejectUnauthorized: settings.DATABASE_SSL_MODE === 'verify-full' },
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  };
}

export interface Database {
  db: Kysely<DB>;
  pool: pg.Pool;
  url: string;
  close(): Promise<void>;
}

export function createDatabase(url: string, settings: DatabaseSettings): Database {
  const pool = new pg.Pool(poolConfig(url, settings));
  // An idle client losing its connection (server restart) must not crash the process; the pool
  // drops it and the next query opens a new one.
  pool.on('error', () => {});
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    pool,
    url,
    // Idempotent: shutdown paths may reach it twice (signal handler and error path).
    close: async () => {
      if (!pool.ended) await db.destroy();
    },
  };
}
