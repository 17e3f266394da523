import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createCache } from './cache/index.js';
import type { Cache } from './cache/port.js';
import { createDatabase, type Database, poolConfig } from './db/connection.js';
import type { JobDefinition, ScheduleDefinition } from './jobs/define.js';
import { JobQueue } from './jobs/queue.js';
import { createMail, type MailQueue } from './mail/index.js';
import { registerPlatformGauges } from './metrics/platform-gauges.js';
import { createMetrics, type Metrics } from './metrics/registry.js';
import { createDatabaseEvents } from './pubsub/database-events.js';
import { createPubSub } from './pubsub/index.js';
import type { PubSub } from './pubsub/port.js';
import { createRateLimiter } from './ratelimit/index.js';
import type { RateLimiter } from './ratelimit/port.js';
import { createRedis } from './redis/connection.js';
import { createSessionStore } from './sessions/index.js';
import type { SessionStore } from './sessions/port.js';
import { createSms, type SmsQueue } from './sms/index.js';
import { createStorage } from './storage/index.js';
import type { FileStorage } from './storage/port.js';

/** Everything a process holds open: built once by `serve`, `worker` or a CLI command, closed once. */
export interface Platform {
  config: Config;
  logger: Logger;
  database: Database;
  redis: Redis | undefined;
  cache: Cache;
  rateLimiter: RateLimiter;
  pubsub: PubSub;
  /** Notices PostgreSQL triggers send on commit (e.g. `users.changed`), with or without Redis. */
  databaseEvents: PubSub;
  sessions: SessionStore;
  jobs: JobQueue;
  metrics: Metrics;
  /** Queue mail in a transaction; the send_mail job delivers it. */
  mail: MailQueue;
  /** Queue a text message in a transaction; the send_sms job delivers it. */
  sms: SmsQueue;
  /** Uploaded files (DATA_DIR/files). */
  storage: FileStorage;
  close(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    platform: Platform;
  }
}

export interface PlatformOptions {
  logger: Logger;
  databaseUrl: string;
  jobs: readonly JobDefinition[];
  schedules: readonly ScheduleDefinition[];
  /** Run background jobs in this process (worker, or serve with WORKER_MODE=inline). */
  runsJobs: boolean;
}

export async function createPlatform(config: Config, options: PlatformOptions): Promise<Platform> {
  const { logger } = options;
  const metrics = createMetrics();
  // The app works as the app role, under row-level security; migrations and the CLI's own
  // maintenance connections stay the owner.
  const database = createDatabase(options.databaseUrl, config, { asApp: true });
  const redis = config.REDIS_URL ? createRedis(config.REDIS_URL) : undefined;
  const prefix = config.REDIS_PREFIX;
  const cache = createCache({
    redis,
    prefix,
    maxEntries: config.CACHE_MAX_ENTRIES,
    metrics: { hit: () => metrics.cacheHits.inc(), miss: () => metrics.cacheMisses.inc() },
  });
  const rateLimiter = createRateLimiter({ redis, prefix });
  const { connectionString, ssl } = poolConfig(options.databaseUrl, config);
  const pubsub = createPubSub({
    redis,
    prefix,
    pool: database.pool,
    listenConfig: { connectionString, ssl },
  });
  const databaseEvents = createDatabaseEvents(database.pool, { connectionString, ssl });
  const sessions = await createSessionStore({
    redis,
    prefix,
    db: database.db,
    pubsub,
    cacheSeconds: config.AUTH_CACHE_SECONDS,
  });
  const mail = createMail({ config, jobs: () => jobs });
  const sms = createSms({ config, jobs: () => jobs });
  const storage = createStorage(config);
  const jobs: JobQueue = new JobQueue({
    url: options.databaseUrl,
    ssl,
    // Jobs act for nobody in particular: explicitly the system.
    db: database.system,
    logger,
    definitions: [...options.jobs, mail.job, sms.job],
    schedules: options.schedules,
    concurrency: config.WORKER_CONCURRENCY,
    maintenanceIntervalSeconds: config.JOB_MAINTENANCE_INTERVAL_SECONDS,
    runsJobs: options.runsJobs,
    ports: { mailer: mail.mailer, storage, queue: { enqueue: (...args) => jobs.enqueue(...args) } },
    onRun: (queue, outcome) => metrics.jobRuns.inc({ queue, outcome }),
  });
  await jobs.start();
  registerPlatformGauges(metrics, database, jobs);

  let closed = false;
  return {
    config,
    logger,
    database,
    redis,
    cache,
    rateLimiter,
    pubsub,
    databaseEvents,
    sessions,
    jobs,
    metrics,
    mail: mail.queue,
    sms: sms.queue,
    storage,
    async close() {
      if (closed) return;
      closed = true;
      // Jobs first (they may still write), then the ports, then the connections they share.
      await jobs.stop(config.SHUTDOWN_TIMEOUT_MS);
      await Promise.allSettled([
        cache.close(),
        rateLimiter.close(),
        pubsub.close(),
        databaseEvents.close(),
        sessions.close(),
      ]);
      redis?.disconnect();
      await database.close();
    },
  };
}
