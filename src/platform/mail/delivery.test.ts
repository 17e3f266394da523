import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { buildTestApp } from '../../../test/support/app.js';
import { waitFor } from '../../../test/support/wait.js';
import type { OutgoingMail } from './port.js';
import { ResendMailer } from './resend.js';
import { SmtpMailer } from './smtp.js';

const mail: OutgoingMail = {
  to: 'ada@example.com',
  from: 'Switchboard <help@acme.test>',
  subject: 'Your sign-in link',
  text: 'Open https://help.acme.test/auth/magic?token=abc',
  html: '<p>Open <a href="https://help.acme.test/auth/magic?token=abc">this link</a></p>',
  idempotencyKey: '5c1f9f36-6a8a-4f9a-9f55-3a8f1f8f2a11',
};

describe('SMTP delivery (against a real SMTP server on loopback)', () => {
  const received: { from?: string; to: string[]; raw: string; user?: string }[] = [];
  let server: SMTPServer;
  let port: number;
  beforeAll(async () => {
    server = new SMTPServer({
      secure: false,
      authOptional: false,
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      onAuth(auth, _session, done) {
        done(null, { user: auth.username });
      },
      onData(stream, session, done) {
        let raw = '';
        stream.on('data', (c: Buffer) => (raw += c.toString()));
        stream.on('end', () => {
          received.push({
            raw,
            to: session.envelope.rcptTo.map((r) => r.address),
            user: String(session.user),
          });
          done();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('delivers subject, sender, both parts and a Message-ID from the idempotency key', async () => {
    await new SmtpMailer(`smtp://mailer:secret@127.0.0.1:${port}`).send(mail);
    expect(received).toHaveLength(1);
    expect(received[0]!.to).toEqual(['ada@example.com']);
    expect(received[0]!.user).toBe('mailer');
    const parsed = await simpleParser(received[0]!.raw);
    expect(parsed.subject).toBe('Your sign-in link');
    expect(parsed.from?.value).toEqual([{ name: 'Switchboard', address: 'help@acme.test' }]);
    expect(parsed.text?.trim()).toBe(mail.text);
    expect(parsed.html).toContain('<a href="https://help.acme.test/auth/magic?token=abc">');
    expect(parsed.messageId).toBe(`<${mail.idempotencyKey}@acme.test>`);
  });
});

/** A local stand-in for api.resend.com: records requests, answers with Resend's JSON shapes. */
function fakeResend(answers: number[]) {
  const requests: { path: string; headers: IncomingMessage['headers']; body: Record<string, unknown> }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(body) });
      const status = answers.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          status === 200
            ? { id: 're_123' }
            : { statusCode: status, name: 'application_error', message: 'try again' },
        ),
      );
    });
  });
  return { server, requests };
}

describe('Resend delivery (against a local fake of its API)', () => {
  it('posts the documented JSON with the API key and an Idempotency-Key, and throws on an error answer', async () => {
    const fake = fakeResend([200, 422]);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    try {
      const mailer = new ResendMailer('re_test_key_123', url);
      await mailer.send(mail);
      expect(fake.requests[0]!.path).toBe('/emails');
      expect(fake.requests[0]!.headers.authorization).toBe('Bearer re_test_key_123');
      expect(fake.requests[0]!.headers['idempotency-key']).toBe(mail.idempotencyKey);
      expect(fake.requests[0]!.body).toEqual({
        from: mail.from,
        to: ['ada@example.com'],
        subject: mail.subject,
        html: mail.html,
        text: mail.text,
      });
      await expect(mailer.send(mail)).rejects.toThrow(/Resend answered 422/);
    } finally {
      fake.server.close();
    }
  });

  it('a failed send is retried by the job until the provider accepts it', async () => {
    const fake = fakeResend([500, 200]);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    const t = await buildTestApp({
      runsJobs: true,
      env: { MAIL_TRANSPORT: 'resend', RESEND_API_KEY: 're_test_key_123', RESEND_API_URL: url },
    });
    try {
      // Retries back off from 30 s in production; the test queue retries at once.
      await t.platform.database.db.transaction().execute((trx) =>
        t.platform.mail.queue(trx, 'ada@example.com', 'magic-link', {
          name: 'Ada',
          url: 'https://x.test/auth/magic?token=t',
        }),
      );
      await sqlRetryNow(t);
      await waitFor(() => fake.requests.length === 2, 20_000, 'a retried send');
      expect(fake.requests[0]!.headers['idempotency-key']).toBe(fake.requests[1]!.headers['idempotency-key']);
      expect(fake.requests[1]!.body.subject).toBe('Your sign-in link');
    } finally {
      await t.close();
      fake.server.close();
    }
  }, 30_000);
});

describe('MAIL_TRANSPORT settings', () => {
  it('names the missing setting', () => {
    expect(() => loadConfig({ MAIL_TRANSPORT: 'smtp' })).toThrow(
      'Invalid setting MAIL_TRANSPORT="smtp": SMTP_URL must be set too',
    );
    expect(() => loadConfig({ MAIL_TRANSPORT: 'resend' })).toThrow(/RESEND_API_KEY must be set too/);
  });
});

/** Makes any retry the failed send is waiting for due now, instead of in 30 s. */
async function sqlRetryNow(t: Awaited<ReturnType<typeof buildTestApp>>): Promise<void> {
  const { sql } = await import('kysely');
  await waitFor(
    async () => {
      const { rows } = await sql<{
        n: number;
      }>`update pgboss.job set start_after = now() where name = 'send_mail' and state = 'retry' returning 1 as n`.execute(
        t.platform.database.db,
      );
      return rows.length > 0;
    },
    15_000,
    'the first attempt to fail',
  );
}
