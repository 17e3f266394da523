import type { Database } from '../db/connection.js';
import type { JobQueue } from '../jobs/queue.js';
import type { Metrics } from './registry.js';

/** Pool and job-queue gauges, read when /metrics is scraped. */
export function registerPlatformGauges(metrics: Metrics, database: Database, jobs: JobQueue): void {
  const { pool } = database;
  metrics.gauge('switchboard_db_pool_connections', 'Database pool connections by state', ['state'], (set) => {
    set({ state: 'total' }, pool.totalCount);
    set({ state: 'idle' }, pool.idleCount);
    set({ state: 'waiting' }, pool.waitingCount);
  });
  metrics.gauge(
    'switchboard_jobs',
    'Jobs by queue and state (dead = out of retries)',
    ['queue', 'state'],
    async (set) => {
      for (const status of await jobs.status()) {
        for (const state of ['created', 'retry', 'active', 'failed', 'dead'] as const) {
          set({ queue: status.queue, state }, status[state]);
        }
      }
    },
  );
}
