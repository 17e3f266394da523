import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app.js';
import { waitFor } from '../../../test/support/wait.js';
import { OutboxMailer } from './outbox.js';

const link = { name: 'Ada', url: 'https://help.acme.test/auth/magic?token=t' };

/** Rolls back on purpose, after the change (and its mail) were queued. */
class Rollback extends Error {}
async function queueAndRollBack(t: TestApp, to: string): Promise<void> {
  await t.platform.database.db
    .transaction()
    .execute(async (trx) => {
      await t.platform.mail.queue(trx, to, 'magic-link', link);
      throw new Rollback();
    })
    .catch((error: unknown) => {
      if (!(error instanceof Rollback)) throw error;
    });
}

async function jobStates(t: TestApp): Promise<string[]> {
  const { rows } = await sql<{
    state: string;
  }>`select state from pgboss.job where name = 'send_mail'`.execute(t.platform.database.db);
  return rows.map((r) => r.state);
}

describe('send_mail with the dev outbox', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ runsJobs: true });
  });
  afterAll(() => t.close());

  it('the outbox adapter stores both parts in the given transaction', async () => {
    const { db } = t.platform.database;
    const sent = await db.transaction().execute((trx) =>
      new OutboxMailer().send(
        {
          to: 'grace@example.com',
          from: 'a@b.test',
          subject: 'S',
          text: 'T',
          html: '<p>H</p>',
          idempotencyKey: 'k',
        },
        trx,
      ),
    );
    const row = await db
      .selectFrom('outbox_messages')
      .selectAll()
      .where('id', '=', sent.providerId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      channel: 'email',
      recipient: 'grace@example.com',
      subject: 'S',
      body_text: 'T',
      body_html: '<p>H</p>',
    });
  });

  it('mail queued in a rolled-back transaction is never stored; a committed one is stored once', async () => {
    const { db } = t.platform.database;
    await queueAndRollBack(t, 'rolled-back@example.com');
    await db
      .transaction()
      .execute((trx) => t.platform.mail.queue(trx, 'ada@example.com', 'magic-link', link));
    await waitFor(async () => (await jobStates(t)).includes('completed'), 15_000, 'the send to complete');
    expect(await jobStates(t)).toEqual(['completed']);
    const rows = await db.selectFrom('outbox_messages').select(['recipient', 'subject']).execute();
    expect(rows.filter((r) => r.recipient !== 'grace@example.com')).toEqual([
      { recipient: 'ada@example.com', subject: 'Your sign-in link' },
    ]);
  });
});

/** A local stand-in for api.resend.com that fails as scripted, then accepts. */
async function fakeResend(answers: number[]) {
  const requests: { headers: IncomingMessage['headers']; body: { to: string[]; subject: string } }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      requests.push({ headers: req.headers, body: JSON.parse(body) });
      const status = answers.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(status === 200 ? { id: `re_${requests.length}` } : { statusCode: status }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    requests,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => server.close(),
  };
}

describe('send_mail with a provider', () => {
  it('sends nothing for a rollback, retries a 500 with the same Idempotency-Key, and sends once', async () => {
    const fake = await fakeResend([500]);
    const t = await buildTestApp({
      runsJobs: true,
      env: { MAIL_TRANSPORT: 'resend', RESEND_API_KEY: 're_test_key_123', RESEND_API_URL: fake.url },
    });
    try {
      await queueAndRollBack(t, 'rolled-back@example.com');
      await t.platform.database.db
        .transaction()
        .execute((trx) => t.platform.mail.queue(trx, 'ada@example.com', 'magic-link', link));
      // Production waits 30 s before the first retry; make it due now.
      await waitFor(
        async () => {
          const { rows } = await sql`update pgboss.job set start_after = now()
            where name = 'send_mail' and state = 'retry' returning id`.execute(t.platform.database.db);
          return rows.length > 0;
        },
        15_000,
        'the first attempt to fail',
      );
      await waitFor(async () => (await jobStates(t)).includes('completed'), 20_000, 'the retried send');
      // A repeat delivery would come within a poll interval (1 s); wait longer than that.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(fake.requests.map((r) => r.body.to)).toEqual([['ada@example.com'], ['ada@example.com']]);
      expect(fake.requests[0]!.headers['idempotency-key']).toBe(fake.requests[1]!.headers['idempotency-key']);
      expect(fake.requests[1]!.body.subject).toBe('Your sign-in link');
      expect(await jobStates(t)).toEqual(['completed']);
    } finally {
      await t.close();
      fake.close();
    }
  }, 40_000);
});
