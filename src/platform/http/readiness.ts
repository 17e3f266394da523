import { sql } from 'kysely';
import type { Platform } from '../runtime.js';
import type { ReadinessCheck } from './health.js';

export function readinessChecks(platform: Platform): ReadinessCheck[] {
  const checks: ReadinessCheck[] = [
    { name: 'database', check: async () => void (await sql`select 1`.execute(platform.database.db)) },
    { name: 'jobs', check: async () => platform.jobs.ping() },
  ];
  const { redis } = platform;
  if (redis) checks.push({ name: 'redis', check: async () => void (await redis.ping()) });
  return checks;
}
