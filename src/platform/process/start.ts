import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import { migrateUrl } from '../db/migrate-url.js';
import { provisionDatabase } from '../db/provision.js';
import type { JobDefinition, ScheduleDefinition } from '../jobs/define.js';
import { createLogger } from '../logging/logger.js';
import { createPlatform, type Platform } from '../runtime.js';

export interface RunningProcess {
  logger: Logger;
  platform: Platform;
  /** Closes the platform, then stops the embedded database if this process owns it. */
  stop(): Promise<void>;
}

/** What `serve` and `worker` share: database up, schema current, platform open. */
export async function startPlatformProcess(
  config: Config,
  options: {
    runsJobs: boolean;
    /** The features' jobs and schedules, from the entry point (platform/ knows no feature). */
    jobs: readonly JobDefinition[];
    schedules: readonly ScheduleDefinition[];
  },
): Promise<RunningProcess> {
  const logger = createLogger(config);
  const database = await provisionDatabase(config, logger);
  try {
    if (config.MIGRATE_ON_START) {
      const applied = await migrateUrl(database.url, config);
      if (applied.length > 0) logger.info({ applied }, 'migrations applied');
    }
    const platform = await createPlatform(config, {
      logger,
      databaseUrl: database.url,
      jobs: options.jobs,
      schedules: options.schedules,
      runsJobs: options.runsJobs,
    });
    return {
      logger,
      platform,
      async stop() {
        await platform.close();
        await database.stop();
      },
    };
  } catch (error) {
    await database.stop().catch(() => undefined);
    throw error;
  }
}
