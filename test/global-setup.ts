import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { OATHTOOL, probeOathtool } from './support/oathtool.js';
import { startTestPostgres } from './support/postgres-server.js';
import { probeTestRedis } from './support/redis-server.js';
import { createTemplateDatabase } from './support/template-database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseAdminUrl: string;
    templateDatabase: string;
    redisUrl: string;
  }
}

/**
 * Runs once per `npm test`: finds PostgreSQL (TEST_DATABASE_URL, or an embedded server in .tmp)
 * and Redis (TEST_REDIS_URL), checks for oathtool, and builds one migrated template database that
 * every test file clones. What is missing is skipped with a warning at the end, or fails under CI=true.
 */
export default async function setup(project: TestProject) {
  // Probed first: under CI=true a missing service fails before anything is built.
  const redisUrl = await probeTestRedis();
  const skipped = [
    ...(redisUrl ? [] : ['the Redis adapter suites: no Redis answered (set TEST_REDIS_URL)']),
    ...(probeOathtool()
      ? []
      : [`the TOTP check against oathtool: no ${OATHTOOL} (apt-get install oathtool)`]),
  ];
  const postgres = await startTestPostgres();
  const template = await createTemplateDatabase(postgres.adminUrl);
  project.provide('databaseAdminUrl', postgres.adminUrl);
  project.provide('templateDatabase', template.name);
  project.provide('redisUrl', redisUrl);
  return async () => {
    await template.drop();
    await postgres.stop();
    await rm(path.resolve('.tmp/test-data'), { recursive: true, force: true });
    // Last words of the run, so a green summary cannot hide what did not run.
    for (const what of skipped) console.warn(`WARNING: skipped ${what}; CI=true fails instead.`);
  };
}
