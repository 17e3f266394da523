import type { Generated } from 'kysely';

export interface JobRunsTable {
  job_id: string;
  queue: string;
  finished_at: Generated<Date>;
}

declare module '../db/schema.js' {
  interface DB {
    job_runs: JobRunsTable;
  }
}
