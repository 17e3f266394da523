import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { mailTo, tokenFrom } from '../support/outbox.js';
import { SessionClient } from '../support/session-client.js';
import { waitFor } from '../support/wait.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ runsJobs: true });
});
afterAll(() => t.close());

let n = 0;
async function signedIn(email = `phone${++n}-${Date.now()}@example.com`): Promise<SessionClient> {
  const client = await new SessionClient(t.app).start();
  await client.post('/api/v1/auth/signup', { email, password: 'tangerine-orbit-41', displayName: 'Pat' });
  const [mail] = await mailTo(t, email);
  await client.post('/api/v1/auth/verify-email', { token: tokenFrom(mail!, '/auth/verify') });
  expect(
    (await client.post('/api/v1/auth/login', { email, password: 'tangerine-orbit-41' })).statusCode,
  ).toBe(200);
  return client;
}

/** The newest code texted to `phone`, from the dev outbox (sending runs as a job). */
async function textedCode(phone: string, count: number): Promise<string> {
  let body = '';
  await waitFor(
    async () => {
      const { rows } = await sql<{
        body_text: string;
      }>`select body_text from outbox_messages where channel = 'sms' and recipient = ${phone} order by created_at desc`.execute(
        t.platform.database.db,
      );
      body = rows[0]?.body_text ?? '';
      return rows.length >= count;
    },
    15_000,
    `${count} text(s) to ${phone}`,
  );
  return /^(\d{6}) is your Switchboard (verification|sign-in) code/.exec(body)![1]!;
}

describe('phone verification by SMS code', () => {
  it('verifies with the texted code, once', async () => {
    const client = await signedIn();
    const phone = '+31611111111';
    expect((await client.post('/api/v1/me/phone', { phone })).statusCode).toBe(202);
    const code = await textedCode(phone, 1);
    const verified = await client.post('/api/v1/me/phone/verify', { code });
    expect(verified.statusCode).toBe(200);
    expect(verified.json()).toMatchObject({ phone, phoneVerified: true });
    expect((await client.post('/api/v1/me/phone/verify', { code })).statusCode).toBe(401);
  });

  it('texts the code in the language of the profile', async () => {
    const client = await signedIn();
    expect((await client.patch('/api/v1/me', { locale: 'nl' })).statusCode).toBe(200);
    const phone = '+31613131313';
    expect((await client.post('/api/v1/me/phone', { phone })).statusCode).toBe(202);
    await waitFor(
      async () => {
        const { rows } = await sql<{ body_text: string }>`select body_text from outbox_messages
          where channel = 'sms' and recipient = ${phone}`.execute(t.platform.database.db);
        return /^\d{6} is je verificatiecode voor Switchboard\./.test(rows[0]?.body_text ?? '');
      },
      15_000,
      'a Dutch text',
    );
  });

  it('expires after 10 minutes', async () => {
    const client = await signedIn();
    const phone = '+31622222222';
    await client.post('/api/v1/me/phone', { phone });
    const code = await textedCode(phone, 1);
    await sql`update sms_codes set expires_at = created_at + interval '10 minutes' - interval '11 minutes'`.execute(
      t.platform.database.db,
    );
    const late = await client.post('/api/v1/me/phone/verify', { code });
    expect(late.statusCode).toBe(401);
    expect(late.json().code).toBe('invalid_code');
  });

  it('a resend replaces the old code, and bad numbers are refused with the reason', async () => {
    const client = await signedIn();
    const phone = '+31633333333';
    await client.post('/api/v1/me/phone', { phone });
    const first = await textedCode(phone, 1);
    await client.post('/api/v1/me/phone', { phone });
    const second = await textedCode(phone, 2);
    if (first !== second)
      expect((await client.post('/api/v1/me/phone/verify', { code: first })).statusCode).toBe(401);
    expect((await client.post('/api/v1/me/phone/verify', { code: second })).statusCode).toBe(200);
    const bad = await client.post('/api/v1/me/phone', { phone: '06-12345678' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([
      {
        pointer: '/body/phone',
        detail: 'Use international format (E.164), starting with + and the country code, e.g. +31612345678.',
      },
    ]);
  });
});

describe('text-message codes as a second factor', () => {
  it('enrols the verified phone, then a sign-in needs the texted code, which works once', async () => {
    const email = `sms-mfa-${Date.now()}@example.com`;
    const client = await signedIn(email);
    const phone = '+31644444444';
    await client.post('/api/v1/me/phone', { phone });
    await client.post('/api/v1/me/phone/verify', { code: await textedCode(phone, 1) });
    expect((await client.post('/api/v1/me/mfa/sms')).statusCode).toBe(200);

    const device = await new SessionClient(t.app).start();
    const login = await device.post('/api/v1/auth/login', { email, password: 'tangerine-orbit-41' });
    expect(login.json().mfa).toBe('pending');
    expect((await device.post('/api/v1/auth/mfa/sms/send')).statusCode).toBe(202);
    const code = await textedCode(phone, 2);
    expect(
      (await device.post('/api/v1/auth/mfa/sms', { code: code === '000000' ? '000001' : '000000' }))
        .statusCode,
    ).toBe(401);
    const done = await device.post('/api/v1/auth/mfa/sms', { code });
    expect(done.statusCode).toBe(200);
    expect(done.json().mfa).toBe('done');

    const other = await new SessionClient(t.app).start();
    await other.post('/api/v1/auth/login', { email, password: 'tangerine-orbit-41' });
    expect((await other.post('/api/v1/auth/mfa/sms', { code })).statusCode).toBe(401);

    // The same through the pages: the challenge offers a texted code, and it signs the user in.
    const browser = await new SessionClient(t.app).start();
    const signIn = await browser.post('/login', { email, password: 'tangerine-orbit-41' });
    expect(signIn.headers.location).toBe('/mfa');
    const challenge = (await browser.get('/mfa')).body;
    expect(challenge).toContain('Text me a code instead');
    // As a browser does: the form carries the new session's token.
    browser.csrfToken = /name="_csrf" value="([^"]+)"/.exec(challenge)![1];
    const sent = await browser.post('/mfa/sms');
    expect(sent.body).toContain('We texted a code to your phone.');
    const finish = await browser.post('/mfa', { code: await textedCode(phone, 3), method: 'sms' });
    expect(finish.headers.location).toBe('/tickets'); // a customer's home: My tickets
  });
});
