import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/platform/process/free-port.js';
import { type RunningServer, runCli, startServer } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { type FakeTwilio, startFakeTwilio, twilioEnv } from '../support/fake-twilio.js';
import { waitFor } from '../support/wait.js';

/**
 * Issue 20: the real `switchboard serve` (jobs inline) is killed with SIGKILL while Twilio has
 * taken a text and not yet answered; started again, the job's retry asks Twilio, finds the text,
 * keeps its SID and sends nothing again.
 */
let database: TestDatabase;
let dataDir: string;
let twilio: FakeTwilio;
let client: pg.Client;
let port: number;
const servers: RunningServer[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  dataDir = await mkdtemp(path.join(tmpdir(), 'sb-sms-crash-'));
  twilio = await startFakeTwilio();
  port = await freePort();
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
});
afterAll(async () => {
  for (const server of servers) server.child.kill('SIGKILL');
  await Promise.all(servers.map((s) => s.exited));
  await client?.end();
  await twilio?.close();
  await database?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const env = () => ({
  DATABASE_URL: database.url,
  SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789',
  DATA_DIR: dataDir,
  PORT: String(port),
  PUBLIC_URL: `http://127.0.0.1:${port}`,
  WORKER_MODE: 'inline',
  // Expired runs are found within a second, so the retry does not wait on the sweep.
  JOB_MAINTENANCE_INTERVAL_SECONDS: '1',
  ...twilioEnv(twilio),
});
const serve = async () => {
  const server = await startServer(env());
  servers.push(server);
  return server;
};
const query = async <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) =>
  (await client.query<T>(text, values)).rows;

describe('a crash after Twilio took a text', () => {
  it('does not send it again after the restart', async () => {
    const bought = await runCli(['numbers', 'buy', '+14155550400'], env());
    expect(bought.stdout).toContain('Bought +14155550400');
    const first = await serve();
    // The STOP's confirmation is the text out: Twilio takes it and never answers.
    twilio.lose.holds = 1;
    const phone = '+31612360001';
    expect((await twilio.text({ from: phone, to: '+14155550400', body: 'STOP' })).status).toBe(200);
    await waitFor(() => twilio.sent.some((m) => m.to === phone), 30_000, 'Twilio to take the confirmation');
    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull();
    const [row] = await query<{ id: string; message_sid: string | null }>(
      `select id, message_sid from sms_messages where direction = 'out' and phone = $1`,
      [phone],
    );
    expect(row!.message_sid).toBeNull();

    await serve();
    await waitFor(
      async () =>
        (
          await query<{ message_sid: string | null }>('select message_sid from sms_messages where id = $1', [
            row!.id,
          ])
        )[0]?.message_sid != null,
      120_000,
      'the restarted server to settle the text',
    );
    const sent = twilio.sent.filter((m) => m.to === phone);
    expect(sent).toHaveLength(1);
    const [settled] = await query<{ message_sid: string; status: string }>(
      'select message_sid, status from sms_messages where id = $1',
      [row!.id],
    );
    expect(settled).toEqual({ message_sid: sent[0]!.sid, status: 'sent' });
  }, 200_000);
});
