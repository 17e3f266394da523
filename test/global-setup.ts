import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
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
 * and Redis (TEST_REDIS_URL), and builds one migrated template database that every test file clones.
 */
export default async function setup(project: TestProject) {
  const postgres = await startTestPostgres();
  const template = await createTemplateDatabase(postgres.adminUrl);
  project.provide('databaseAdminUrl', postgres.adminUrl);
  project.provide('templateDatabase', template.name);
  project.provide('redisUrl', await probeTestRedis());
  return async () => {
    await template.drop();
    await postgres.stop();
    await rm(path.resolve('.tmp/test-data'), { recursive: true, force: true });
  };
}
