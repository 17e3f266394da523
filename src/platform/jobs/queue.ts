import { CompiledQuery, type Kysely, sql, type Transaction } from 'kysely';
import type { PoolConfig } from 'pg';
import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { Static, TSchema } from 'typebox';
import { DeadlinePassed, within } from '../../shared/deadline.js';
import { firstSchemaError } from '../../shared/schema-errors.js';
import { APP_ROLE } from '../db/connection.js';
import type { DB } from '../db/schema.js';
import { deadLetterQueue, type JobDefinition, type JobPorts, type ScheduleDefinition } from './define.js';
import { JOB_SCHEMA } from './install.js';
import './table.js';

export interface JobQueueOptions {
  url: string;
  db: Kysely<DB>;
  logger: Logger;
  definitions: readonly JobDefinition[];
  schedules?: readonly ScheduleDefinition[];
  concurrency: number;
  maintenanceIntervalSeconds: number;
  /** Pool size of pg-boss' own connections. */
  poolMax?: number;
  /** TLS settings for pg-boss' connections, as for the app's pool (DATABASE_SSL_MODE). */
  ssl?: PoolConfig['ssl'];
  /** Run jobs, expire stuck ones and fire schedules (the worker role); otherwise only enqueue. */
  runsJobs: boolean;
  /** What runs may use; a queue that only enqueues, or runs jobs needing none, goes without. */
  ports?: JobPorts;
  onRun?: (queue: string, outcome: 'completed' | 'failed' | 'skipped') => void;
}

export interface QueueStatus {
  queue: string;
  created: number;
  retry: number;
  active: number;
  completed: number;
  failed: number;
  /** Jobs that ran out of retries and wait in the dead-letter queue. */
  dead: number;
}

/**
 * Background jobs on pg-boss, in the same PostgreSQL as the data. `enqueue` writes the job through
 * the caller's transaction, so a rollback enqueues nothing and a commit always does. Every run
 * records its job id in `job_runs` inside the transaction that carries its effects, which turns
 * pg-boss' at-least-once delivery into exactly-once effects: a job retried after its worker died
 * mid-way either finds no ledger row (the first run rolled back) or finds one and stops.
 */
export class JobQueue {
  private readonly boss: PgBoss;
  private readonly definitions = new Map<string, JobDefinition>();
  private readonly ports: JobPorts;

  constructor(private readonly options: JobQueueOptions) {
    for (const definition of options.definitions) this.definitions.set(definition.name, definition);
    this.ports = options.ports ?? withoutPorts;
    this.boss = new PgBoss({
      connectionString: options.url,
      ssl: options.ssl,
      schema: JOB_SCHEMA,
      max: options.poolMax ?? 4,
      application_name: 'switchboard-jobs',
      supervise: options.runsJobs,
      schedule: options.runsJobs,
      maintenanceIntervalSeconds: options.maintenanceIntervalSeconds,
    });
    this.boss.on('error', (error) => options.logger.error({ err: error }, 'job queue error'));
  }

  /** Installs the schema, creates the queues and, in the worker role, starts taking jobs. */
  async start(): Promise<void> {
    await this.boss.start();
    await this.grantToAppRole();
    for (const definition of this.definitions.values()) await this.ensureQueue(definition);
    if (!this.options.runsJobs) return;
    // One poller per queue, taking up to `concurrency` jobs a poll (or the queue's own batch
    // size). Every poller queries the database each second, work or not: one per queue and slot
    // (32 of them) kept an idle server busy for 32 ms of CPU a second (Node and PostgreSQL), one
    // per queue for 15. A full batch means more may be waiting: the poller fetches again at once
    // instead of sleeping out the second (which held a mail storm to 4 mails a second).
    for (const definition of this.definitions.values()) {
      const batchSize = definition.batchSize ?? this.options.concurrency;
      let workerId: string | undefined;
      workerId = await this.boss.work(
        definition.name,
        { batchSize, pollingIntervalSeconds: 1, includeMetadata: true },
        async (jobs) => {
          await Promise.all(
            jobs.map((job) => this.runOrFail(definition, job as PgBoss.JobWithMetadata<object>)),
          );
          if (jobs.length >= batchSize && workerId) this.boss.notifyWorker(workerId);
        },
      );
    }
    for (const schedule of this.options.schedules ?? []) {
      await this.boss.schedule(schedule.job.name, schedule.cron, schedule.payload as object, {
        tz: schedule.timeZone,
      });
    }
  }

  async enqueue<S extends TSchema>(
    ctx: { trx: Transaction<DB> },
    definition: JobDefinition<S>,
    payload: Static<S>,
    options: { startAfterSeconds?: number; singletonKey?: string } = {},
  ): Promise<string> {
    if (!this.definitions.has(definition.name)) throw new Error(`job ${definition.name} is not registered`);
    const invalid = firstSchemaError(definition.payload, payload);
    if (invalid)
      throw new Error(`invalid payload for job ${definition.name}: ${invalid.pointer} ${invalid.message}`);
    const db = {
      executeSql: async (text: string, values: unknown[]) => {
        const result = await ctx.trx.executeQuery(CompiledQuery.raw(text, values));
        return { rows: result.rows as unknown[] };
      },
    };
    const id = await this.boss.send(definition.name, payload as object, {
      db,
      ...(options.startAfterSeconds ? { startAfter: options.startAfterSeconds } : {}),
      ...(options.singletonKey ? { singletonKey: options.singletonKey } : {}),
    });
    if (!id) throw new Error(`job ${definition.name} was not enqueued`);
    return id;
  }

  /** The cron schedules pg-boss holds, with their time zones. */
  async schedules(): Promise<{ name: string; cron: string; timeZone: string }[]> {
    // pg-boss returns its raw rows here; the time zone is the `timezone` column.
    const rows = (await this.boss.getSchedules()) as unknown as {
      name: string;
      cron: string;
      timezone: string;
    }[];
    return rows.map((s) => ({ name: s.name, cron: s.cron, timeZone: s.timezone }));
  }

  /** Cheap readiness probe: the queue's schema answers. */
  async ping(): Promise<void> {
    await this.boss.getDb().executeSql(`select version from ${JOB_SCHEMA}.version`, []);
  }

  /**
   * pg-boss creates its schema as the owner; the app role enqueues jobs inside its own
   * transactions, so it needs to reach the queue tables. Idempotent, and skipped on a database
   * without the app role (before the row-security migration).
   */
  private async grantToAppRole(): Promise<void> {
    await this.boss.getDb().executeSql(
      `do $$ begin
        if exists (select 1 from pg_roles where rolname = '${APP_ROLE}') then
          grant usage on schema ${JOB_SCHEMA} to ${APP_ROLE};
          grant select, insert, update, delete on all tables in schema ${JOB_SCHEMA} to ${APP_ROLE};
          grant usage, select on all sequences in schema ${JOB_SCHEMA} to ${APP_ROLE};
          grant execute on all functions in schema ${JOB_SCHEMA} to ${APP_ROLE};
        end if;
      exception when unique_violation or internal_error then null;
      end $$`,
      [],
    );
  }

  async status(): Promise<QueueStatus[]> {
    const { rows } = await this.boss
      .getDb()
      .executeSql(
        `select name, state, count(*)::int as count from ${JOB_SCHEMA}.job group by name, state`,
        [],
      );
    const byQueue = new Map<string, QueueStatus>();
    const entry = (queue: string) => {
      let status = byQueue.get(queue);
      if (!status) {
        status = { queue, created: 0, retry: 0, active: 0, completed: 0, failed: 0, dead: 0 };
        byQueue.set(queue, status);
      }
      return status;
    };
    for (const name of this.definitions.keys()) entry(name);
    for (const row of rows as { name: string; state: keyof QueueStatus; count: number }[]) {
      if (row.name.endsWith('__dead')) {
        entry(row.name.slice(0, -'__dead'.length)).dead += row.state === 'completed' ? 0 : row.count;
      } else if (row.state !== 'queue' && row.state !== 'dead') {
        (entry(row.name)[row.state] as number) += row.count;
      }
    }
    return [...byQueue.values()].sort((a, b) => a.queue.localeCompare(b.queue));
  }

  /** Stops taking jobs and waits up to `timeoutMs` for running ones to finish. */
  async stop(timeoutMs: number): Promise<void> {
    await this.boss.stop({ graceful: this.options.runsJobs, wait: true, timeout: timeoutMs });
  }

  private async ensureQueue(definition: JobDefinition): Promise<void> {
    const dead = deadLetterQueue(definition.name);
    if (!(await this.boss.getQueue(dead)))
      await this.boss.createQueue(dead, { name: dead, retentionDays: 30 });
    const policy = {
      name: definition.name,
      retryLimit: definition.retries,
      retryDelay: definition.backoff.delaySeconds,
      retryBackoff: definition.backoff.exponential,
      expireInSeconds: definition.timeoutSeconds,
      deadLetter: dead,
    };
    if (await this.boss.getQueue(definition.name)) await this.boss.updateQueue(definition.name, policy);
    else await this.boss.createQueue(definition.name, policy);
  }

  /**
   * Runs one job of a batch and, if it throws or overruns, fails that job alone. pg-boss settles a
   * batch as a whole: when the handler returns it completes the jobs still active, and when the
   * handler throws or overruns it fails them all, which would retry the batch-mates of one failing
   * job. So the handler never throws, and a job's own deadline comes half a second before pg-boss'
   * deadline for the batch (both are the queue's `timeoutSeconds`).
   *
   * An overrun job's transaction is ended with its connection: a job that was failed must not
   * commit later, and its retry must not queue behind the locks it still holds (a retry that waited
   * for them ran out of time too, and was failed a second time).
   */
  private async runOrFail(definition: JobDefinition, job: PgBoss.JobWithMetadata<object>): Promise<void> {
    const deadline = Math.max(500, definition.timeoutSeconds * 1000 - 500);
    const backend: RunBackend = {};
    const run = this.runOnce(definition, job, backend);
    try {
      await within(run, deadline, `job ran longer than ${deadline} ms`);
    } catch (error) {
      if (error instanceof DeadlinePassed) {
        // Its own failure (the connection it ran on is gone) is the expected end, not news.
        run.catch(() => {});
        this.options.onRun?.(definition.name, 'failed');
        this.options.logger.warn({ job: definition.name, jobId: job.id }, 'job overran its time; failing it');
        await this.endTransaction(backend);
      }
      await this.boss
        .fail(definition.name, job.id, error as object)
        .catch((failed: unknown) =>
          this.options.logger.error({ err: failed, jobId: job.id }, 'could not fail job'),
        );
    }
  }

  /**
   * Terminates the backend of an overrun job's transaction, but only while that very transaction
   * is still open there: once it has ended, the pool may have lent the connection to someone else.
   */
  private async endTransaction(backend: RunBackend): Promise<void> {
    if (backend.pid === undefined || backend.startedAt === undefined) return;
    await sql`select pg_terminate_backend(pid) from pg_stat_activity
      where pid = ${backend.pid} and extract(epoch from xact_start)::text = ${backend.startedAt}`
      .execute(this.options.db)
      .catch((error: unknown) =>
        this.options.logger.error({ err: error }, "could not end an overrun job's transaction"),
      );
  }

  private async runOnce(
    definition: JobDefinition,
    job: PgBoss.JobWithMetadata<object>,
    backend: RunBackend,
  ): Promise<void> {
    const logger = this.options.logger.child({ job: definition.name, jobId: job.id });
    const { retryCount } = job;
    try {
      const ran = await this.options.db.transaction().execute(async (trx) => {
        const claimed = await trx
          .insertInto('job_runs')
          .values({ job_id: job.id, queue: definition.name })
          .onConflict((c) => c.column('job_id').doNothing())
          .returning([
            'job_id',
            sql<number>`pg_backend_pid()`.as('pid'),
            sql<string>`extract(epoch from now())::text`.as('started_at'),
          ])
          .executeTakeFirst();
        if (!claimed) return false;
        backend.pid = claimed.pid;
        backend.startedAt = claimed.started_at;
        await definition.run({ trx, jobId: job.id, retryCount, logger, ports: this.ports }, job.data);
        return true;
      });
      this.options.onRun?.(definition.name, ran ? 'completed' : 'skipped');
      if (!ran) logger.info('job already ran; skipping the repeat delivery');
    } catch (error) {
      this.options.onRun?.(definition.name, 'failed');
      logger.warn({ err: error }, 'job failed');
      throw error;
    }
  }
}

/** A queue built without ports fails the run that reaches for one, naming it. */
const withoutPorts = new Proxy({} as JobPorts, {
  get(_, port) {
    throw new Error(`this job queue was built without ports (asked for ${String(port)})`);
  },
});

/** Where a run's transaction lives, so an overrun can end it (see `endTransaction`). */
interface RunBackend {
  pid?: number;
  /** The transaction's start in epoch seconds, as text: a Date would drop its microseconds. */
  startedAt?: string;
}
