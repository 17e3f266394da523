import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/platform/process/free-port.js';
import { type RunningServer, startServer } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { RawSmtp } from '../support/raw-smtp.js';
import { waitFor } from '../support/wait.js';

/**
 * Issue 19: the 250 after DATA is a promise. The real `switchboard serve` (jobs run inline, as by
 * default) is killed with SIGKILL the moment that 250 arrives; started again, it makes the ticket
 * out of what it stored, and the same mail delivered again (as a sender's server does when it
 * never saw the 250) is recognised and stored once.
 */
const SUPPORT = 'support@help.example';
let database: TestDatabase;
let dataDir: string;
let smtpPort: number;
let client: pg.Client;
const servers: RunningServer[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  dataDir = await mkdtemp(path.join(tmpdir(), 'sb-crash-'));
  smtpPort = await freePort();
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
});
afterAll(async () => {
  for (const server of servers) server.child.kill('SIGKILL');
  await Promise.all(servers.map((s) => s.exited));
  await client?.end();
  await database?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const serve = async () => {
  const server = await startServer({
    DATABASE_URL: database.url,
    // The template database's app role logs in with a password made from this key.
    SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789',
    DATA_DIR: dataDir,
    SUPPORT_ADDRESSES: SUPPORT,
    INBOUND_SMTP_PORT: String(smtpPort),
    INBOUND_SMTP_HOST: '127.0.0.1',
    WORKER_MODE: 'inline',
  });
  servers.push(server);
  return server;
};

/** The SMTP listener starts with the HTTP server; connects once it answers with its greeting. */
async function smtp(): Promise<RawSmtp> {
  let opened: RawSmtp | undefined;
  await waitFor(
    async () => {
      const attempt = await RawSmtp.open(smtpPort).catch(() => undefined);
      if (attempt?.greeting.code === 220) opened = attempt.client;
      else attempt?.client.destroy();
      return opened !== undefined;
    },
    30_000,
    'the SMTP listener',
  );
  expect((await opened!.command('EHLO sender.example')).code).toBe(250);
  return opened!;
}

const query = async <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) =>
  (await client.query<T>(text, values)).rows;

describe('a crash right after the SMTP 250', () => {
  it('loses nothing: the restarted server makes the ticket, and the mail sent again is not a second one', async () => {
    const sender = `crash-${Date.now()}@customer.example`;
    const messageId = `<crash-${Date.now()}@customer.example>`;
    const message = [
      `From: Ada <${sender}>`,
      `To: ${SUPPORT}`,
      'Subject: The server fell over',
      `Message-ID: ${messageId}`,
      'Date: Mon, 07 Dec 2026 09:00:00 +0000',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Right after it said 250.',
      '',
    ].join('\r\n');

    const first = await serve();
    const session = await smtp();
    expect((await session.command(`MAIL FROM:<${sender}>`)).code).toBe(250);
    expect((await session.command(`RCPT TO:<${SUPPORT}>`)).code).toBe(250);
    const accepted = await session.data(message);
    // The very moment the 250 is read: no clean shutdown, no chance to finish anything.
    first.child.kill('SIGKILL');
    expect(accepted.code).toBe(250);
    session.destroy();
    expect(await first.exited).toBeNull();

    // What the 250 promised is on disk: the mail and the job that will process it.
    const [stored] = await query<{ id: string; state: string }>(
      'select id, state from mail_inbound where message_id = $1',
      [messageId],
    );
    // Not yet processed (that takes a job run, which commits well after the 250): recovery is real.
    expect(stored).toMatchObject({ state: 'pending' });
    const jobs = await query<{ state: string }>(
      `select state from pgboss.job where name = 'email_inbound' and data->>'id' = $1`,
      [stored!.id],
    );
    expect(jobs).toHaveLength(1);

    await serve();
    await waitFor(
      async () =>
        (await query<{ state: string }>('select state from mail_inbound where id = $1', [stored!.id]))[0]
          ?.state === 'done',
      60_000,
      'the restarted server to process the mail',
    );
    const tickets = await query<{ id: string; subject: string }>(
      `select t.id, t.subject from tickets t join users u on u.id = t.requester_id where u.email = $1`,
      [sender],
    );
    expect(tickets).toEqual([{ id: expect.any(String), subject: 'The server fell over' }]);

    // The sender's server, unsure whether the 250 came, sends the same mail again.
    const again = await smtp();
    const resent = await again.send(sender, [SUPPORT], message);
    await again.quit();
    expect(resent.data?.code).toBe(250);
    expect(resent.data?.text).toContain('Already have it');
    expect(await query('select id from mail_inbound where message_id = $1', [messageId])).toHaveLength(1);
    expect(
      await query(`select t.id from tickets t join users u on u.id = t.requester_id where u.email = $1`, [
        sender,
      ]),
    ).toHaveLength(1);
    const messages = await query<{ body: string }>('select body from ticket_messages where ticket_id = $1', [
      tickets[0]!.id,
    ]);
    expect(messages.map((m) => m.body)).toEqual(['Right after it said 250.']);
  }, 240_000);
});
