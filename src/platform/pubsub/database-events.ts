import type pg from 'pg';
import type { PubSub } from './port.js';
import { PostgresPubSub } from './postgres.js';

/**
 * Notices that PostgreSQL triggers send on commit (`switchboard_db_events`, in the pub/sub
 * envelope), read over LISTEN whether or not Redis carries the app's own pub/sub: the database is
 * where the change happened, so every node, the CLI's writes and plain SQL included, hears of it
 * once it is committed and never before.
 */
export function createDatabaseEvents(pool: pg.Pool, listenConfig: pg.ClientConfig): PubSub {
  // PostgresPubSub listens on `<prefix>events`: here the fixed channel the triggers name.
  return new PostgresPubSub(pool, listenConfig, 'switchboard_db_');
}
