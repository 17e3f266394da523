import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import { startEmbeddedPostgres } from './embedded.js';

export interface ProvisionedDatabase {
  url: string;
  embedded: boolean;
  /** Stops the embedded server if this process owns it; a no-op for an external database. */
  stop(): Promise<void>;
}

/** DATABASE_URL when set; otherwise the embedded PostgreSQL in DATA_DIR/postgres. */
export async function provisionDatabase(config: Config, logger: Logger): Promise<ProvisionedDatabase> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, embedded: false, stop: async () => {} };
  const server = await startEmbeddedPostgres({
    dataDir: config.DATA_DIR,
    port: config.EMBEDDED_PG_PORT,
    log: (message) => logger.info({ component: 'embedded-postgres' }, message),
  });
  logger.info({ dataDir: path.join(config.DATA_DIR, 'postgres') }, 'using embedded PostgreSQL');
  return { url: server.url, embedded: true, stop: () => server.stop() };
}
