import type { Command } from 'commander';
import { pino } from 'pino';
import { jobsFor } from '../modules/index.js';
import { createDatabase } from '../platform/db/connection.js';
import { JobQueue } from '../platform/jobs/queue.js';
import { withDatabase } from './with-database.js';

export function registerJobsCommands(program: Command): void {
  const jobs = program.command('jobs').description('Background jobs');
  jobs
    .command('status')
    .description('Jobs per queue and state, including dead-lettered ones')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) =>
      withDatabase(async (url, config) => {
        const database = createDatabase(url, { ...config, DATABASE_POOL_MAX: 1 });
        const queue = new JobQueue({
          url,
          db: database.db,
          logger: pino({ level: 'warn' }),
          definitions: jobsFor(config),
          concurrency: 1,
          maintenanceIntervalSeconds: config.JOB_MAINTENANCE_INTERVAL_SECONDS,
          runsJobs: false,
          poolMax: 1,
        });
        try {
          await queue.start();
          const status = await queue.status();
          if (options.json) console.log(JSON.stringify(status, null, 2));
          else printTable(status);
        } finally {
          await queue.stop(0);
          await database.close();
        }
      }),
    );
}

function printTable(rows: Awaited<ReturnType<JobQueue['status']>>): void {
  const columns = ['queue', 'created', 'retry', 'active', 'completed', 'failed', 'dead'] as const;
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ');
  console.log(line([...columns]));
  for (const row of rows) console.log(line(columns.map((c) => String(row[c]))));
  if (rows.length === 0) console.log('(no queues)');
}
