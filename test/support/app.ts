import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { pino } from 'pino';
import { buildApp } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config.js';
import { jobsFor, schedulesFor } from '../../src/modules/index.js';
import type { FeatureModule } from '../../src/modules/module.js';
import type { JobDefinition } from '../../src/platform/jobs/define.js';
import { createPlatform, type Platform } from '../../src/platform/runtime.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { testRedisUrl } from './redis.js';

export interface TestApp {
  app: FastifyInstance;
  platform: Platform;
  config: Config;
  database: TestDatabase;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Extra settings, as environment variables. */
  env?: Record<string, string>;
  /** Use the test Redis for cache, sessions, rate limits and pub/sub. */
  redis?: boolean;
  /** Share a database with another test app (two nodes of one deployment). */
  database?: TestDatabase;
  runsJobs?: boolean;
  jobs?: readonly JobDefinition[];
  /** Probe routes mounted after the real ones. */
  plugins?: FastifyPluginAsync[];
  /** The features to mount instead of the feature list (to add a fixture feature). */
  modules?: readonly FeatureModule[];
}

/** The real app on a fresh database (and optionally the real Redis), exactly as `serve` builds it. */
export async function buildTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATA_DIR: '.tmp/test-data',
    SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789',
    DATABASE_URL: database.url,
    DATABASE_POOL_MAX: '4',
    // Ticket notifications go out at once (a test about the digest sets a delay of its own).
    NOTIFY_DIGEST_DELAY_SECONDS: '0',
    ...(options.redis
      ? { REDIS_URL: testRedisUrl(), REDIS_PREFIX: `sbtest:${Math.random().toString(36).slice(2)}:` }
      : {}),
    ...options.env,
  });
  const jobs = options.jobs ?? jobsFor(config);
  const platform = await createPlatform(config, {
    logger: pino({ level: config.LOG_LEVEL }),
    databaseUrl: database.url,
    jobs,
    // Only schedules whose job this app knows (a test may bring its own, smaller set of jobs).
    schedules: schedulesFor(config).filter((s) => jobs.includes(s.job)),
    runsJobs: options.runsJobs ?? false,
  });
  const app = await buildApp(platform, {
    plugins: options.plugins ?? [],
    ...(options.modules ? { modules: options.modules } : {}),
  });
  return {
    app,
    // The test's own queries (factories, checks) act as the system, as a fixture loader would;
    // the app's own work stays stamped by its requests, jobs and commands.
    platform: { ...platform, database: { ...platform.database, db: platform.database.system } },
    config,
    database,
    async close() {
      await app.close();
      await platform.close();
      if (!options.database) await database.drop();
    },
  };
}
