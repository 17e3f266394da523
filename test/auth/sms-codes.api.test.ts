import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifiedAccount, TEST_PASSWORD } from '../support/accounts.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { SessionClient } from '../support/session-client.js';
import { waitFor } from '../support/wait.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ runsJobs: true });
});
afterAll(() => t.close());

let numbers = 0;
const newPhone = () => `+3165${String(Date.now() % 100_000).padStart(5, '0')}${numbers++ % 10}`;

async function signedIn(email: string): Promise<SessionClient> {
  const client = await new SessionClient(t.app).start();
  expect((await client.post('/api/v1/auth/login', { email, password: TEST_PASSWORD })).statusCode).toBe(200);
  return client;
}

/** The newest code texted to `phone`, from the dev outbox (sending runs as a job). */
async function textedCode(phone: string, count: number): Promise<string> {
  let body = '';
  await waitFor(
    async () => {
      const { rows } = await sql<{ body_text: string }>`select body_text from outbox_messages
        where channel = 'sms' and recipient = ${phone} order by created_at desc`.execute(
        t.platform.database.db,
      );
      body = rows[0]?.body_text ?? '';
      return rows.length >= count;
    },
    15_000,
    `${count} text(s) to ${phone}`,
  );
  return /^(\d{6}) is your Switchboard/.exec(body)![1]!;
}

const wrong = (code: string, i: number) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0');

const attemptsOf = async (email: string, purpose: string): Promise<number | undefined> =>
  (
    await sql<{ attempts: number }>`select attempts from sms_codes
      where purpose = ${purpose} and user_id = (select id from users where email = ${email})`.execute(
      t.platform.database.db,
    )
  ).rows[0]?.attempts;

/** A signed-in account whose phone is verified and enrolled as its (only) second factor. */
async function withSmsFactor() {
  const email = await createVerifiedAccount(t, 'sms');
  const client = await signedIn(email);
  const phone = newPhone();
  await client.post('/api/v1/me/phone', { phone });
  expect(
    (await client.post('/api/v1/me/phone/verify', { code: await textedCode(phone, 1) })).statusCode,
  ).toBe(200);
  const enrolled = await client.post('/api/v1/me/mfa/sms');
  expect(enrolled.statusCode).toBe(200);
  return { email, phone, client, enrolled: enrolled.json() as { backupCodes?: string[] } };
}

describe('phone verification codes cannot be guessed', () => {
  it('wrong guesses are counted in the database though each request fails; after five the right code is refused', async () => {
    const email = await createVerifiedAccount(t, 'guess');
    const client = await signedIn(email);
    const phone = newPhone();
    expect((await client.post('/api/v1/me/phone', { phone })).statusCode).toBe(202);
    const code = await textedCode(phone, 1);
    for (let i = 0; i < 5; i++) {
      const res = await client.post('/api/v1/me/phone/verify', { code: wrong(code, i) });
      expect(res.statusCode).toBe(401);
      expect(await attemptsOf(email, 'verify_phone')).toBe(i + 1);
    }
    const right = await client.post('/api/v1/me/phone/verify', { code });
    expect(right.statusCode).toBe(401);
    expect(right.json().code).toBe('invalid_code');
    expect((await client.get('/api/v1/me')).json().phoneVerified).toBe(false);
  });

  it('guesses sent all at once are counted exactly', async () => {
    const email = await createVerifiedAccount(t, 'race');
    const client = await signedIn(email);
    const phone = newPhone();
    await client.post('/api/v1/me/phone', { phone });
    const code = await textedCode(phone, 1);
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => client.post('/api/v1/me/phone/verify', { code: wrong(code, i) })),
    );
    expect(answers.map((r) => r.statusCode)).toEqual(Array(8).fill(401));
    expect(await attemptsOf(email, 'verify_phone')).toBe(5);
    expect((await client.post('/api/v1/me/phone/verify', { code })).statusCode).toBe(401);
  });

  it('the route is rate limited like the sign-in code route: the eleventh guess in 15 minutes is a 429', async () => {
    const email = await createVerifiedAccount(t, 'limit');
    const client = await signedIn(email);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++)
      statuses.push((await client.post('/api/v1/me/phone/verify', { code: String(100000 + i) })).statusCode);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses[10]).toBe(429);
  });
});

describe('texted sign-in codes', () => {
  it('wrong guesses are counted in the database; after five the right code is refused', async () => {
    const { email, phone } = await withSmsFactor();
    const device = await signedIn(email);
    expect((await device.post('/api/v1/auth/mfa/sms/send')).statusCode).toBe(202);
    const code = await textedCode(phone, 2);
    for (let i = 0; i < 5; i++)
      expect((await device.post('/api/v1/auth/mfa/sms', { code: wrong(code, i) })).statusCode).toBe(401);
    expect(await attemptsOf(email, 'mfa')).toBe(5);
    expect((await device.post('/api/v1/auth/mfa/sms', { code })).statusCode).toBe(401);
    expect((await device.get('/api/v1/me')).json().code).toBe('mfa_required');
  });

  it('a code works only in the sign-in attempt it was sent for', async () => {
    const { email, phone } = await withSmsFactor();
    const owner = await signedIn(email);
    expect((await owner.post('/api/v1/auth/mfa/sms/send')).statusCode).toBe(202);
    const code = await textedCode(phone, 2);
    // Someone who knows the password starts an attempt of their own and offers the owner's code.
    const intruder = await signedIn(email);
    const stolen = await intruder.post('/api/v1/auth/mfa/sms', { code });
    expect(stolen.statusCode).toBe(401);
    expect((await intruder.get('/api/v1/me')).json().code).toBe('mfa_required');
    const done = await owner.post('/api/v1/auth/mfa/sms', { code });
    expect(done.statusCode).toBe(200);
    expect(done.json().mfa).toBe('done');
  });
});

describe('text messages are never the only second factor', () => {
  it('an SMS first factor comes with backup codes, and ends the other sessions', async () => {
    const email = await createVerifiedAccount(t, 'first');
    const other = await signedIn(email);
    const client = await signedIn(email);
    const phone = newPhone();
    await client.post('/api/v1/me/phone', { phone });
    await client.post('/api/v1/me/phone/verify', { code: await textedCode(phone, 1) });
    const enrolled = await client.post('/api/v1/me/mfa/sms');
    expect(enrolled.statusCode).toBe(200);
    const { backupCodes, csrfToken } = enrolled.json() as { backupCodes: string[]; csrfToken: string };
    expect(backupCodes).toHaveLength(10);
    expect(csrfToken).toBeTruthy();
    expect((await other.get('/api/v1/me')).statusCode).toBe(401);
    expect((await client.get('/api/v1/me')).statusCode).toBe(200);

    // Without the phone, a backup code still finishes a sign-in.
    const device = await signedIn(email);
    expect((await device.post('/api/v1/auth/mfa/backup-code', { code: backupCodes[0]! })).statusCode).toBe(
      200,
    );
  });
});
