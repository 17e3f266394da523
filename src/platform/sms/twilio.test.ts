import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../../../test/support/app.js';
import { waitFor } from '../../../test/support/wait.js';
import { loadConfig } from '../../config.js';
import { TwilioSmsSender } from './twilio.js';
import { TwilioApi } from './twilio-api.js';

const unexpected = (): never => {
  throw new Error('expected the send to fail');
};

const SID = `AC${'0123456789abcdef'.repeat(2)}`;

/** A local stand-in for api.twilio.com speaking its Messages API (form in, JSON out). */
async function fakeTwilio(answers: number[]) {
  const requests: { path: string; headers: IncomingMessage['headers']; form: URLSearchParams }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', headers: req.headers, form: new URLSearchParams(body) });
      const status = answers.shift() ?? 201;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          status === 201
            ? { sid: 'SM123', status: 'queued' }
            : { code: 21211, message: "The 'To' number is not valid.", status },
        ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    requests,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => server.close(),
  };
}

describe('Twilio SMS (against a local fake of its API)', () => {
  it('posts To, From and Body form-encoded with Basic auth to the account’s Messages resource', async () => {
    const fake = await fakeTwilio([201, 400]);
    try {
      const sender = new TwilioSmsSender(
        new TwilioApi({ accountSid: SID, authToken: 'auth-token-0123456789', baseUrl: fake.url }),
        '+3197010000000',
      );
      expect(
        await sender.send({ to: '+31612345678', body: 'Your code is 123456', idempotencyKey: 'k-1' }),
      ).toEqual({ providerId: 'SM123' });
      const [request] = fake.requests;
      expect(request!.path).toBe(`/2010-04-01/Accounts/${SID}/Messages.json`);
      expect(request!.headers.authorization).toBe(
        `Basic ${Buffer.from(`${SID}:auth-token-0123456789`).toString('base64')}`,
      );
      expect(request!.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(Object.fromEntries(request!.form)).toEqual({
        To: '+31612345678',
        From: '+3197010000000',
        Body: 'Your code is 123456',
      });
      const refused = await sender
        .send({ to: '+31600000000', body: 'x', idempotencyKey: 'k-2' })
        .then(unexpected, (e: Error) => e);
      expect(refused.message).toMatch(/Twilio answered 400: 21211/);
      expect(refused.message).not.toContain('auth-token-0123456789');
    } finally {
      fake.close();
    }
  });

  it('uses a Messaging Service SID as the sender when given one', async () => {
    const fake = await fakeTwilio([]);
    try {
      await new TwilioSmsSender(
        new TwilioApi({ accountSid: SID, authToken: 'auth-token-0123456789', baseUrl: fake.url }),
        `MG${'a'.repeat(32)}`,
      ).send({
        to: '+31612345678',
        body: 'hi',
        idempotencyKey: 'k',
      });
      expect(fake.requests[0]!.form.get('MessagingServiceSid')).toBe(`MG${'a'.repeat(32)}`);
      expect(fake.requests[0]!.form.has('From')).toBe(false);
    } finally {
      fake.close();
    }
  });

  it('SMS_TRANSPORT=twilio names the missing setting', () => {
    expect(() => loadConfig({ SMS_TRANSPORT: 'twilio', TWILIO_ACCOUNT_SID: SID })).toThrow(
      'Invalid setting SMS_TRANSPORT="twilio": TWILIO_AUTH_TOKEN must be set too',
    );
  });
});

describe('SMS through the job', () => {
  it('lands in the dev outbox once the transaction commits, never after a rollback, and refuses a non-E.164 number', async () => {
    const t = await buildTestApp({ runsJobs: true });
    try {
      const { db } = t.platform.database;
      await expect(
        db.transaction().execute((trx) => t.platform.sms.queue(trx, '0612345678', 'x')),
      ).rejects.toThrow(/E\.164/);
      await expect(
        db.transaction().execute(async (trx) => {
          await t.platform.sms.queue(trx, '+31600000001', 'rolled back');
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      await db
        .transaction()
        .execute((trx) => t.platform.sms.queue(trx, '+31612345678', 'Your code is 654321'));
      await waitFor(
        async () => {
          const { rows } = await sql<{
            n: number;
          }>`select count(*)::int as n from outbox_messages where channel = 'sms' and recipient = '+31612345678'`.execute(
            db,
          );
          return rows[0]!.n === 1;
        },
        15_000,
        'the text in the outbox',
      );
      const { rows } = await sql<{
        recipient: string;
      }>`select recipient from outbox_messages where channel = 'sms'`.execute(db);
      expect(rows).toEqual([{ recipient: '+31612345678' }]);
    } finally {
      await t.close();
    }
  });
});
