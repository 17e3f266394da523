import { availableParallelism } from 'node:os';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Config } from '../../config.js';
import { currentDbActor, type DbActor, runAsSystem } from './actor-context.js';
import { appRoleUrl } from './app-login.js';

export { APP_ROLE } from './app-login.js';

import { PreparedStatements } from './prepared-statements.js';
import type { DB } from './schema.js';

// BIGINT (int8) and NUMERIC come back as strings by default; counts and ids we use fit in a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));

export type DatabaseSettings = Pick<
  Config,
  'DATABASE_POOL_MAX' | 'DATABASE_STATEMENT_TIMEOUT_MS' | 'DATABASE_SSL_MODE'
> & { applicationName?: string; SECRET_KEY?: string };

/**
 * Connections per process when DATABASE_POOL_MAX is unset: twice the CPU count, 4 to 10. The
 * database most often runs on the same machine (always with the embedded one), and queries beyond
 * what its cores can run at once only queue inside PostgreSQL, each slowed by the switching: on 2
 * cores, 4 connections served 25 % more searches than 10, at a lower p99 (bench/README.md).
 */
export const defaultPoolSize = (cpus = availableParallelism()): number => Math.min(10, Math.max(4, 2 * cpus));

export function poolConfig(url: string, settings: DatabaseSettings): pg.PoolConfig {
  return {
    connectionString: url,
    max: settings.DATABASE_POOL_MAX ?? defaultPoolSize(),
    application_name: settings.applicationName ?? 'switchboard',
    statement_timeout: settings.DATABASE_STATEMENT_TIMEOUT_MS || undefined,
    ssl:
      settings.DATABASE_SSL_MODE === 'disable'
        ? false
        : { rejectUnauthorized: settings.DATABASE_SSL_MODE === 'verify-full' },
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    // No JIT compilation: the app's statements are short, and a plan whose estimate crosses
    // jit_above_cost (a search for a rare word, a busy customer's) spent more compiling than
    // running; off, the busiest customer's searches went from 367 to 459 a second (bench/README.md).
    // An `options` parameter in DATABASE_URL takes precedence.
    options: '-c jit=off',
  };
}

export interface Database {
  /** Stamped with the current actor (actor-context.ts); work that named none sees no protected row. */
  db: Kysely<DB>;
  /**
   * The same pool with every checkout stamped `system`: for jobs, the CLI and start-up checks,
   * which act for nobody in particular. Never for request work.
   */
  system: Kysely<DB>;
  pool: pg.Pool;
  url: string;
  close(): Promise<void>;
}

// One round trip per checkout: the actor's context.
const SET_CONTEXT = `select set_config('app.context', $1, false),
  set_config('app.user_id', $2, false), set_config('app.permissions', $3, false)`;

interface Stamp {
  key: string;
  context: DbActor['context'];
  userId: string | undefined;
}

/**
 * Whether work marked as reading only unprotected tables, or one user's own rows, sees the same
 * rows on a connection stamped as `last` (see DbActor.ownRowsOf). This saves the stamp round trip
 * for the session and user lookups that start every signed-in request.
 */
const servesOwnRows = (last: Stamp, actor: DbActor) =>
  actor.ownRowsOf === null ||
  (actor.ownRowsOf !== undefined && (last.context === 'system' || last.userId === actor.ownRowsOf));

/**
 * With `asApp`, every connection logs in as the app role (app-login.ts: not the owner, not a
 * superuser, nothing to RESET ROLE back to, so row-level security applies), and every checkout stamps the connection with the current actor
 * (see actor-context.ts) before Kysely uses it. Session-level settings are right here because each
 * checkout overwrites them: a connection never carries the previous user's context.
 */
export function createDatabase(
  url: string,
  settings: DatabaseSettings,
  options: { asApp?: boolean } = {},
): Database {
  const pool = new pg.Pool(poolConfig(options.asApp ? appRoleUrl(url, settings.SECRET_KEY) : url, settings));
  // An idle client losing its connection (server restart) must not crash the process; the pool
  // drops it and the next query opens a new one.
  pool.on('error', () => {});
  // The same for a checked-out client idle in a transaction whose backend is ended (an overrun
  // job's, or an administrator's pg_terminate_backend): its holder sees the error on its next query.
  pool.on('connect', (client) => client.on('error', () => {}));
  // What each pooled connection was last stamped with: a checkout for the same actor (most often
  // `system`, for public pages and jobs) skips the round trip.
  const stamped = new WeakMap<pg.PoolClient, Stamp>();
  if (options.asApp) {
    // Once per new connection, off the checkout path.
    const statements = new PreparedStatements();
    pool.on('connect', (client) => statements.prepareOn(client));
  }
  const contextual = {
    async connect() {
      const client = await pool.connect();
      const actor = currentDbActor();
      const values = [actor.context, actor.userId ?? '', (actor.permissions ?? []).join(',')];
      const key = values.join('|');
      const last = stamped.get(client);
      if (last && (last.key === key || servesOwnRows(last, actor))) return client;
      try {
        await client.query(SET_CONTEXT, values);
        stamped.set(client, { key, context: actor.context, userId: actor.userId });
      } catch (error) {
        stamped.delete(client);
        client.release(error as Error);
        throw error;
      }
      return client;
    },
    end: () => pool.end(),
  };
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: options.asApp ? contextual : pool }) });
  const asSystem = { connect: () => runAsSystem(() => contextual.connect()), end: async () => {} };
  const system = options.asApp ? new Kysely<DB>({ dialect: new PostgresDialect({ pool: asSystem }) }) : db;
  return {
    db,
    system,
    pool,
    url,
    // Idempotent: shutdown paths may reach it twice (signal handler and error path).
    close: async () => {
      if (!pool.ended) await db.destroy();
    },
  };
}
