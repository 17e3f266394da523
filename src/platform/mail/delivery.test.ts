import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config.js';
import type { OutgoingMail } from './port.js';
import { ResendMailer } from './resend.js';
import { SmtpMailer } from './smtp.js';

const unexpected = (): never => {
  throw new Error('expected the send to fail');
};

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
        if (auth.password !== 'smtp-password-123') return done(new Error('Invalid username or password'));
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
    const sent = await new SmtpMailer(`smtp://mailer:smtp-password-123@127.0.0.1:${port}`).send({
      ...mail,
      replyTo: 'support@acme.test',
      headers: { 'X-Switchboard-Ticket': 'T-42' },
    });
    expect(sent.providerId).toBe(`<${mail.idempotencyKey}@acme.test>`);
    expect(received).toHaveLength(1);
    expect(received[0]!.to).toEqual(['ada@example.com']);
    expect(received[0]!.user).toBe('mailer');
    const parsed = await simpleParser(received[0]!.raw);
    expect(parsed.subject).toBe('Your sign-in link');
    expect(parsed.from?.value).toEqual([{ name: 'Switchboard', address: 'help@acme.test' }]);
    expect(parsed.text?.trim()).toBe(mail.text);
    expect(parsed.html).toContain('<a href="https://help.acme.test/auth/magic?token=abc">');
    expect(parsed.messageId).toBe(`<${mail.idempotencyKey}@acme.test>`);
    expect(parsed.replyTo?.value).toEqual([{ name: '', address: 'support@acme.test' }]);
    expect(parsed.headers.get('x-switchboard-ticket')).toBe('T-42');
  });

  it('a refused login throws (so the job retries) without the password in the error', async () => {
    const error = await new SmtpMailer(`smtp://mailer:wrong-password-456@127.0.0.1:${port}`)
      .send(mail)
      .then(unexpected, (e: unknown) => e as Error & Record<string, unknown>);
    expect(error).toBeInstanceOf(Error);
    expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain(
      'wrong-password-456',
    );
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
    const fake = fakeResend([200, 422, 500]);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    try {
      const mailer = new ResendMailer('re_test_key_123', url);
      expect(await mailer.send(mail)).toEqual({ providerId: 're_123' });
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
      const refused = await mailer.send(mail).then(unexpected, (e: Error) => e);
      expect(refused.message).toMatch(/Resend answered 422/);
      expect(refused.message).not.toContain('re_test_key_123');
      await expect(mailer.send(mail)).rejects.toThrow(/Resend answered 500/);
      await mailer.send({ ...mail, replyTo: 'support@acme.test', headers: { 'X-Ticket': 'T-42' } });
      expect(fake.requests[3]!.body).toMatchObject({
        reply_to: 'support@acme.test',
        headers: { 'X-Ticket': 'T-42' },
      });
    } finally {
      fake.server.close();
    }
  });
});

describe('MAIL_TRANSPORT settings', () => {
  it('names the missing setting', () => {
    expect(() => loadConfig({ MAIL_TRANSPORT: 'smtp' })).toThrow(ConfigError);
    expect(() => loadConfig({ MAIL_TRANSPORT: 'smtp' })).toThrow(
      'Invalid setting MAIL_TRANSPORT="smtp": SMTP_URL must be set too',
    );
    expect(() => loadConfig({ MAIL_TRANSPORT: 'resend' })).toThrow(/RESEND_API_KEY must be set too/);
  });
});
