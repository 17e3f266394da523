import { pino } from 'pino';
import { bootConfig } from '../boot.js';
import type { Config } from '../config.js';
import { provisionDatabase } from '../platform/db/provision.js';

/**
 * Runs a CLI command against the configured database. With the embedded server, a running
 * `serve` shares its server; otherwise the command starts it and stops it again afterwards.
 */
export async function withDatabase<T>(run: (url: string, config: Config) => Promise<T>): Promise<T> {
  const config = bootConfig();
  const database = await provisionDatabase(config, pino({ level: 'warn' }));
  try {
    return await run(database.url, config);
  } finally {
    await database.stop();
  }
}
