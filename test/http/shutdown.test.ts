import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { defineJob } from '../../src/platform/jobs/define.js';
import { buildTestApp } from '../support/app.js';
import { waitFor } from '../support/wait.js';

/** A promise the test resolves by hand, so work stays in flight exactly until the test says. */
function gate() {
  let open: () => void = () => {};
  const passed = new Promise<void>((resolve) => (open = resolve));
  return { passed, open };
}

const request = { entered: gate(), release: gate() };
const job = { release: gate() };

async function slowRoute(app: FastifyInstance): Promise<void> {
  app.get('/test/slow', { config: { access: 'public' } }, async () => {
    request.entered.open();
    await request.release.passed;
    return { finished: true };
  });
}

const slowJob = defineJob({
  name: 'slow_probe',
  payload: Type.Object({}),
  retries: 0,
  backoff: { delaySeconds: 1, exponential: false },
  timeoutSeconds: 30,
  async run({ trx }) {
    await job.release.passed;
    await sql`update instance_settings set value = '{"name":"drained"}' where key = 'instance'`.execute(trx);
  },
});

describe('graceful shutdown', () => {
  it('finishes in-flight requests, refuses new ones, and lets running jobs complete', async () => {
    const t = await buildTestApp({ plugins: [slowRoute], jobs: [slowJob], runsJobs: true });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

    await t.platform.database.db
      .transaction()
      .execute((trx) => t.platform.jobs.enqueue({ trx }, slowJob, {}));
    await waitFor(async () => (await t.platform.jobs.status()).some((s) => s.active > 0));
    const inFlight = fetch(`${base}/test/slow`);
    await request.entered.passed;

    const closing = t.app.close();
    // Closing with the request still in flight: new requests are refused before it finishes.
    const refused = async () => (await fetch(`${base}/health`).catch(() => undefined))?.status !== 200;
    await waitFor(refused, 10_000, 'new requests to be refused while closing');
    request.release.open();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ finished: true });
    await closing;
    await expect(fetch(`${base}/health`)).rejects.toThrow();

    // The job is still running when the worker is told to stop; stopping waits for it.
    const stopping = t.platform.jobs.stop(10_000);
    job.release.open();
    await stopping;
    const { rows } = await sql<{
      name: string;
    }>`select value->>'name' as name from instance_settings where key = 'instance'`.execute(
      t.platform.database.db,
    );
    expect(rows[0]!.name).toBe('drained');
    await t.platform.close();
    await t.database.drop();
  });
});
