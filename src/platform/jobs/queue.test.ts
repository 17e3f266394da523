import { type ChildProcess, spawn } from 'node:child_process';
import { sql } from 'kysely';
import { pino } from 'pino';
import Type from 'typebox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createProbeTable, probeJob } from '../../../test/fixtures/probe-job.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { waitFor } from '../../../test/support/wait.js';
import { createDatabase, type Database } from '../db/connection.js';
import { defineJob } from './define.js';
import { JobQueue } from './queue.js';

const settings = {
  DATABASE_POOL_MAX: 4,
  DATABASE_STATEMENT_TIMEOUT_MS: 0,
  DATABASE_SSL_MODE: 'disable' as const,
};
let testDb: TestDatabase;
let database: Database;

const nightly = defineJob({
  name: 'nightly_probe',
  payload: Type.Object({}),
  retries: 0,
  backoff: { delaySeconds: 1, exponential: false },
  timeoutSeconds: 10,
  run: async () => {},
});

function queueFor(runsJobs: boolean): JobQueue {
  return new JobQueue({
    url: testDb.url,
    db: database.db,
    logger: pino({ level: 'silent' }),
    definitions: [probeJob, nightly],
    schedules: [{ job: nightly, cron: '30 2 * * *', timeZone: 'Europe/Amsterdam', payload: {} }],
    concurrency: 2,
    maintenanceIntervalSeconds: 1,
    runsJobs,
  });
}

async function probeRows(key: string): Promise<number> {
  const { rows } = await sql<{
    n: number;
  }>`select count(*)::int as n from job_probe where key = ${key}`.execute(database.db);
  return rows[0]!.n;
}

async function jobRow(id: string): Promise<{ state: string; retry_count: number } | undefined> {
  const { rows } = await sql<{ state: string; retry_count: number }>`
    select state, retry_count from pgboss.job where id = ${id}`.execute(database.db);
  return rows[0];
}

async function jobState(id: string): Promise<string | undefined> {
  return (await jobRow(id))?.state;
}

beforeAll(async () => {
  testDb = await createTestDatabase();
  database = createDatabase(testDb.url, settings);
  await createProbeTable.execute(database.db);
});
afterAll(async () => {
  await database.close();
  await testDb.drop();
});

describe('JobQueue', () => {
  let queue: JobQueue;
  afterEach(async () => queue?.stop(1000));

  it('enqueues nothing when the caller rolls back, exactly once when it commits', async () => {
    queue = queueFor(true);
    await queue.start();
    await expect(
      database.db.transaction().execute(async (trx) => {
        await queue.enqueue({ trx }, probeJob, { key: 'rolled-back', holdMs: 0 });
        throw new Error('caller fails after enqueueing');
      }),
    ).rejects.toThrow('caller fails');
    const id = await database.db
      .transaction()
      .execute((trx) => queue.enqueue({ trx }, probeJob, { key: 'committed', holdMs: 0 }));
    await waitFor(async () => (await jobState(id)) === 'completed');
    expect(await probeRows('committed')).toBe(1);
    expect(await probeRows('rolled-back')).toBe(0);
    const { rows } = await sql<{
      n: number;
    }>`select count(*)::int as n from pgboss.job where data->>'key' = 'rolled-back'`.execute(database.db);
    expect(rows[0]!.n).toBe(0);
  });

  it('skips a delivery whose run is already in the ledger (crash after commit, before ack)', async () => {
    queue = queueFor(false);
    await queue.start();
    const id = await database.db
      .transaction()
      .execute((trx) => queue.enqueue({ trx }, probeJob, { key: 'ledgered', holdMs: 0 }));
    await database.db.insertInto('job_runs').values({ job_id: id, queue: probeJob.name }).execute();
    await queue.stop(1000);
    queue = queueFor(true);
    await queue.start();
    await waitFor(async () => (await jobState(id)) === 'completed');
    expect(await probeRows('ledgered')).toBe(0);
  });

  it('retries a failing job, then dead-letters it and reports it in status', async () => {
    queue = queueFor(true);
    await queue.start();
    const id = await database.db
      .transaction()
      .execute((trx) => queue.enqueue({ trx }, probeJob, { key: 'doomed', holdMs: 0, fail: true }));
    await waitFor(async () => (await jobState(id)) === 'failed', 20_000);
    expect((await jobRow(id))?.retry_count).toBe(probeJob.retries);
    expect(await probeRows('doomed')).toBe(0);
    await waitFor(async () => (await queue.status()).find((s) => s.queue === 'probe_effect')!.dead >= 1);
    const status = (await queue.status()).find((s) => s.queue === 'probe_effect')!;
    expect(status.failed).toBeGreaterThanOrEqual(1);
  });

  it('takes up to `concurrency` jobs of a queue in one poll; one failing does not fail the other', async () => {
    queue = queueFor(true);
    const later = { startAfterSeconds: 1 };
    // Enqueued before the queue starts, so its first poll finds both with both slots free (on a
    // busy machine a poll racing the commit could otherwise see them one at a time).
    const [first, second, doomed, beside] = await database.db
      .transaction()
      .execute(async (trx) => [
        await queue.enqueue({ trx }, probeJob, { key: 'batch-first', holdMs: 300 }),
        await queue.enqueue({ trx }, probeJob, { key: 'batch-second', holdMs: 300 }),
        await queue.enqueue({ trx }, probeJob, { key: 'batch-doomed', holdMs: 0, fail: true }, later),
        await queue.enqueue({ trx }, probeJob, { key: 'batch-beside', holdMs: 0 }, later),
      ]);
    await queue.start();
    await waitFor(async () => (await jobState(beside)) === 'completed');
    await waitFor(async () => (await jobState(doomed)) === 'failed', 20_000);
    // One poll took the first two: one statement, one `now()` (compared to the microsecond).
    const { rows } = await sql<{ states: string; starts: number }>`
      select string_agg(distinct state::text, ',') as states, count(distinct started_on)::int as starts
      from pgboss.job where id in (${first}, ${second})`.execute(database.db);
    expect(rows[0]).toEqual({ states: 'completed', starts: 1 });
    // Only the failing job was retried, not the one it ran beside.
    expect((await jobRow(beside))?.retry_count).toBe(0);
    expect((await jobRow(doomed))?.retry_count).toBe(probeJob.retries);
    for (const key of ['batch-first', 'batch-second', 'batch-beside']) expect(await probeRows(key)).toBe(1);
    expect(await probeRows('batch-doomed')).toBe(0);
  });

  it('fails a job that overruns its time alone, rolls its work back, and its retry does it once', async () => {
    queue = queueFor(true);
    await queue.start();
    const holdMs = 8_000;
    const enqueuedAt = Date.now();
    const [slow, quick] = await database.db.transaction().execute(async (trx) => [
      // probeJob's time is 3 s; on its first try this one holds its transaction for 8 s.
      await queue.enqueue({ trx }, probeJob, { key: 'overrun-slow', holdMs }),
      await queue.enqueue({ trx }, probeJob, { key: 'overrun-quick', holdMs: 0 }),
    ]);
    await waitFor(async () => (await jobState(quick)) === 'completed');
    await waitFor(async () => (await jobState(slow)) === 'completed', 20_000);
    // The first try's transaction was ended at its deadline, so its retry did not queue behind
    // the locks it held (it used to wait for them, and overran in turn on a busy machine).
    expect(Date.now() - enqueuedAt).toBeLessThan(holdMs);
    expect((await jobRow(quick))?.retry_count).toBe(0);
    expect((await jobRow(slow))?.retry_count).toBe(1);
    // Once the first try's hold is over, it has not committed a second effect.
    await new Promise((resolve) => setTimeout(resolve, holdMs + 500 - (Date.now() - enqueuedAt)));
    expect(await probeRows('overrun-slow')).toBe(1);
    expect(await probeRows('overrun-quick')).toBe(1);
    // The pool lost one connection and goes on.
    const next = await database.db
      .transaction()
      .execute((trx) => queue.enqueue({ trx }, probeJob, { key: 'after-overrun', holdMs: 0 }));
    await waitFor(async () => (await jobState(next)) === 'completed');
  }, 40_000);

  it('rejects a payload that does not match the job schema', async () => {
    queue = queueFor(false);
    await queue.start();
    await expect(
      database.db.transaction().execute((trx) => queue.enqueue({ trx }, probeJob, { key: 'x' } as never)),
    ).rejects.toThrow(/invalid payload for job probe_effect: \/holdMs/);
  });

  it('registers cron schedules with an explicit time zone', async () => {
    queue = queueFor(true);
    await queue.start();
    expect(await queue.schedules()).toEqual([
      { name: 'nightly_probe', cron: '30 2 * * *', timeZone: 'Europe/Amsterdam' },
    ]);
  });
});

describe('a worker killed mid-job', () => {
  const workers: ChildProcess[] = [];
  afterAll(() => {
    for (const worker of workers) worker.kill('SIGKILL');
  });

  function startWorker(): Promise<{ child: ChildProcess; started: Promise<void> }> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/probe-worker.ts'], {
      env: { ...process.env, DATABASE_URL: testDb.url },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    workers.push(child);
    let output = '';
    let onStarted: () => void;
    const started = new Promise<void>((resolve) => (onStarted = resolve));
    return new Promise((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('ready')) resolve({ child, started });
        if (output.includes('started ')) onStarted();
      });
      child.on('exit', (code) => reject(new Error(`worker exited early (${code}): ${output}`)));
    });
  }

  it('runs the job exactly once after the worker is restarted', async () => {
    const enqueuer = queueFor(false);
    await enqueuer.start();
    const first = await startWorker();
    const id = await database.db
      .transaction()
      .execute((trx) => enqueuer.enqueue({ trx }, probeJob, { key: 'crash', holdMs: 60_000 }));
    await first.started;
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    expect(await probeRows('crash')).toBe(0);

    await startWorker();
    await waitFor(async () => (await jobState(id)) === 'completed', 30_000);
    expect(await probeRows('crash')).toBe(1);
    const ledger = await database.db
      .selectFrom('job_runs')
      .select('job_id')
      .where('job_id', '=', id)
      .execute();
    expect(ledger).toHaveLength(1);
    await enqueuer.stop(1000);
  }, 60_000);
});
