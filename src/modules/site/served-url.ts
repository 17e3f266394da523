import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import { findSetting } from './repo.js';

/** The instance_settings key under which `serve` records the base URL its links use. */
const SERVED_URL_KEY = 'served_url';

/**
 * Records the base URL a starting server builds its links from, so CLI commands run without
 * PUBLIC_URL print links to the server that actually runs (PORT=4501 npm start), not a guess.
 */
export async function recordServedUrl(db: Kysely<DB>, url: string): Promise<void> {
  const value = JSON.stringify({ url });
  await db
    .insertInto('instance_settings')
    .values({ key: SERVED_URL_KEY, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: new Date() }))
    .execute();
}

/** The base URL the last server started on this database used, if one ever started. */
export async function findServedUrl(db: Kysely<DB>): Promise<string | undefined> {
  const url = ((await findSetting(db, SERVED_URL_KEY))?.value as { url?: unknown } | undefined)?.url;
  return typeof url === 'string' ? url : undefined;
}
