import type { Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Static, TSchema } from 'typebox';
import type { DB } from '../db/schema.js';
import type { Mailer } from '../mail/port.js';
import type { FileStorage } from '../storage/port.js';

/**
 * The process's ports a job may use, built once by `createPlatform` and handed to every run, so
 * a job never builds its own transport or store from the settings.
 */
export interface JobPorts {
  /** Delivers mail now, inside the run's transaction (the dev outbox writes through it). */
  mailer: Mailer;
  /** Uploaded files (DATA_DIR/files). */
  storage: FileStorage;
  /** Further jobs, enqueued in the run's transaction (a ticket a mail opened schedules its notices). */
  queue: JobEnqueuer;
}

/** Enqueues a job in the caller's transaction (JobQueue.enqueue). */
export interface JobEnqueuer {
  enqueue<S extends TSchema>(
    ctx: { trx: Transaction<DB> },
    definition: JobDefinition<S>,
    payload: Static<S>,
    options?: { startAfterSeconds?: number; singletonKey?: string },
  ): Promise<string>;
}

export interface JobContext {
  /** The transaction the job's effects commit in, together with its run-ledger row. */
  trx: Transaction<DB>;
  jobId: string;
  /** 0 on the first try, then 1, 2, … */
  retryCount: number;
  logger: Logger;
  ports: JobPorts;
}

export interface JobDefinition<S extends TSchema = TSchema> {
  /** Queue name: letters, digits and underscores (pg-boss' rule). */
  name: string;
  payload: S;
  /** Extra attempts after the first failure before the job is dead-lettered. */
  retries: number;
  /** Delay before the first retry; doubled on each further retry when `exponential`. */
  backoff: { delaySeconds: number; exponential: boolean };
  /** A run taking longer fails and is retried. */
  timeoutSeconds: number;
  /**
   * Jobs one process runs at once from this queue (default WORKER_CONCURRENCY): more for short
   * jobs that come in bursts (a mail storm), so a burst is not paced by the poll.
   */
  batchSize?: number;
  run(ctx: JobContext, payload: Static<S>): Promise<void>;
}

const NAME = /^[a-z][a-z0-9_]{0,40}$/;

export function defineJob<S extends TSchema>(definition: JobDefinition<S>): JobDefinition<S> {
  if (!NAME.test(definition.name)) throw new Error(`job name ${definition.name} must match ${NAME}`);
  return Object.freeze(definition);
}

export interface ScheduleDefinition<S extends TSchema = TSchema> {
  job: JobDefinition<S>;
  /** Five-field cron expression. */
  cron: string;
  /** IANA time zone the cron expression is read in, e.g. `Europe/Amsterdam`. Always explicit. */
  timeZone: string;
  payload: Static<S>;
}

export const deadLetterQueue = (name: string): string => `${name}__dead`;
