import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import { findSetting, saveSetting } from './repo.js';

/** The instance_settings key under which `serve` records the base URL its links use. */
const SERVED_URL_KEY = 'served_url';

/**
 * Records the base URL a starting server builds its links from, so CLI commands run without
 * PUBLIC_URL print links to the server that actually runs (PORT=4501 npm start), not a guess.
 */
export async function recordServedUrl(db: Kysely<DB>, url: string): Promise<void> {
  await saveSetting(db, SERVED_URL_KEY, { url });
}

/** The base URL the last server started on this database used, if one ever started. */
export async function findServedUrl(db: Kysely<DB>): Promise<string | undefined> {
  const url = ((await findSetting(db, SERVED_URL_KEY))?.value as { url?: unknown } | undefined)?.url;
  return typeof url === 'string' ? url : undefined;
}
