import { pino } from 'pino';
import { bootConfigWithSecret } from '../boot.js';
import type { Config } from '../config.js';
import { jobsFor } from '../modules/index.js';
import { createPlatform, type Platform } from '../platform/runtime.js';
import { AppError } from '../shared/errors.js';
import { withDatabase } from './with-database.js';

/**
 * Runs one administrative command with the full platform (sessions store, mail queue) but no job
 * workers (what it queues, a running server or worker does) and prints what it answers; a refusal
 * from the error catalogue becomes the command's error message, not a stack trace.
 */
export function withPlatform(
  run: (platform: Platform, config: Config & { SECRET_KEY: string }) => Promise<string>,
): Promise<void> {
  return withDatabase(async (url) => {
    const config = await bootConfigWithSecret();
    const platform = await createPlatform(config, {
      logger: pino({ level: 'warn' }),
      databaseUrl: url,
      jobs: jobsFor(config),
      schedules: [],
      runsJobs: false,
    });
    try {
      console.log(await run(platform, config));
    } catch (error) {
      if (error instanceof AppError) throw new Error(error.extras.errors?.[0]?.detail ?? error.message);
      throw error;
    } finally {
      await platform.close();
    }
  });
}
