import type { Kysely } from 'kysely';
import { readEnvironment } from '../boot.js';
import type { Config } from '../config.js';
import { findServedUrl } from '../modules/site/index.js';
import type { DB } from '../platform/db/schema.js';

/**
 * The configuration a command that prints or mails links should use. Without PUBLIC_URL the
 * CLI's own guess (http://localhost:$PORT, PORT as this shell sees it) is often not where the
 * server listens, so the base URL the last `serve` on this database recorded wins.
 */
export async function withLinkBase<C extends Config>(db: Kysely<DB>, config: C): Promise<C> {
  if (readEnvironment().PUBLIC_URL) return config;
  const served = await findServedUrl(db);
  if (served) return { ...config, PUBLIC_URL: served };
  console.error(
    `No server has started on this database yet, so links begin with ${config.PUBLIC_URL}. ` +
      'Set PUBLIC_URL to the address people reach Switchboard at.',
  );
  return config;
}
