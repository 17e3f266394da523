import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifiedAccount, TEST_PASSWORD } from '../support/accounts.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { mailTo } from '../support/outbox.js';
import { SessionClient } from '../support/session-client.js';
import { totpCode } from '../support/totp.js';
import { waitFor } from '../support/wait.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ runsJobs: true });
});
afterAll(() => t.close());

const PASSWORD = TEST_PASSWORD;
const account = () => createVerifiedAccount(t, 'mfa');

async function login(email: string): Promise<{ client: SessionClient; mfa: string }> {
  const client = await new SessionClient(t.app).start();
  const res = await client.post('/api/v1/auth/login', { email, password: PASSWORD });
  expect(res.statusCode).toBe(200);
  return { client, mfa: res.json().mfa };
}

/** Enrols an authenticator; returns its secret, the step-time used, and the backup codes. */
async function enrolTotp(client: SessionClient, at = Date.now()) {
  const setup = await client.post('/api/v1/me/mfa/totp');
  expect(setup.statusCode).toBe(200);
  const { factorId, secret, uri } = setup.json();
  expect(uri).toContain('issuer=Switchboard');
  const confirm = await client.post('/api/v1/me/mfa/totp/confirm', { factorId, code: totpCode(secret, at) });
  expect(confirm.statusCode).toBe(200);
  return { secret, backupCodes: confirm.json().backupCodes as string[] };
}

/** How many mails told the owner that an authenticator code was offered twice. */
const replayNotices = async (email: string) =>
  (await mailTo(t, email)).filter((m) => m.body_text.includes('had already been used')).length;

describe('TOTP', () => {
  it('enrols with codes from an independent implementation; a used code and a code two steps old are refused', async () => {
    const email = await account();
    const { client } = await login(email);
    const now = Date.now();
    const { secret, backupCodes } = await enrolTotp(client, now);
    expect(backupCodes).toHaveLength(10);

    const second = await login(email);
    expect(second.mfa).toBe('pending');
    expect((await second.client.get('/api/v1/me')).json().code).toBe('mfa_required');
    const replay = await second.client.post('/api/v1/auth/mfa/totp', { code: totpCode(secret, now) });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('invalid_code');
    const stale = await second.client.post('/api/v1/auth/mfa/totp', {
      code: totpCode(secret, Date.now() - 60_000),
    });
    expect(stale.statusCode).toBe(401);
    const next = await second.client.post('/api/v1/auth/mfa/totp', { code: totpCode(secret, now + 30_000) });
    expect(next.statusCode).toBe(200);
    expect(next.json().mfa).toBe('done');
    expect((await second.client.get('/api/v1/me')).statusCode).toBe(200);
  });

  it('a replayed code is refused, recorded in the audit log and told to the owner, on the API and the page', async () => {
    const email = await account();
    const now = Date.now();
    const { secret } = await enrolTotp((await login(email)).client, now);
    const used = totpCode(secret, now);

    const intruder = await login(email);
    const replay = await intruder.client.post('/api/v1/auth/mfa/totp', { code: used });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('invalid_code');
    const audited = await t.platform.database.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('action', '=', 'auth.mfa_failed')
      .where(
        'target_id',
        '=',
        (
          await sql<{ id: string }>`select id from users where email = ${email}`.execute(
            t.platform.database.db,
          )
        ).rows[0]!.id,
      )
      .execute();
    expect(audited.map((a) => a.details)).toEqual([{ method: 'totp', reason: 'replayed' }]);
    await waitFor(async () => (await replayNotices(email)) === 1, 15_000, 'a replay notice');

    // The sign-in page refuses it the same way, and tells the owner again.
    const browser = await new SessionClient(t.app).start();
    const signIn = await browser.post('/login', { email, password: PASSWORD });
    expect(signIn.headers.location).toBe('/mfa');
    browser.csrfToken = /name="_csrf" value="([^"]+)"/.exec((await browser.get('/mfa')).body)![1];
    const page = await browser.post('/mfa', { code: used });
    expect(page.statusCode).toBe(401);
    await waitFor(async () => (await replayNotices(email)) === 2, 15_000, 'a second replay notice');
    expect((await intruder.client.get('/api/v1/me')).json().code).toBe('mfa_required');
  });

  it('a backup code works once', async () => {
    const email = await account();
    const { backupCodes } = await enrolTotp((await login(email)).client);
    const first = await login(email);
    expect(
      (await first.client.post('/api/v1/auth/mfa/backup-code', { code: backupCodes[3]!.toUpperCase() }))
        .statusCode,
    ).toBe(200);
    const again = await login(email);
    expect(
      (await again.client.post('/api/v1/auth/mfa/backup-code', { code: backupCodes[3]! })).statusCode,
    ).toBe(401);
  });

  it('changing factors needs a recent sign-in, and mails the owner', async () => {
    const email = await account();
    const { client } = await login(email);
    const session = (await t.platform.sessions.listByUser((await client.get('/api/v1/me')).json().id))[0]!;
    await t.platform.sessions.touch(session.idHash, new Date(), {
      ...session.data,
      authenticatedAt: new Date(Date.now() - 3600_000).toISOString(),
    });
    const refused = await client.post('/api/v1/me/mfa/totp');
    expect(refused.statusCode).toBe(401);
    expect(refused.json().code).toBe('reauth_required');
    expect((await client.post('/api/v1/me/reauth', { password: PASSWORD })).statusCode).toBe(204);
    await enrolTotp(client);
    const mails = await mailTo(t, email, 2);
    expect(mails[0]!.body_text).toContain('authenticator app was added');
  });
});

describe('MFA policy by role', () => {
  it('an admin without a second factor must enrol before anything else', async () => {
    const email = await account();
    await sql`update users set roles = '{admin}' where email = ${email}`.execute(t.platform.database.db);
    const { client, mfa } = await login(email);
    expect(mfa).toBe('enroll');
    const blocked = await client.get('/api/v1/me');
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().code).toBe('mfa_enrollment_required');
    await enrolTotp(client);
    expect((await client.get('/api/v1/me')).statusCode).toBe(200);
  });
});

describe('backup codes at rest', () => {
  it('are stored salted and hashed with argon2id, not as a plain digest; codes made before salting still work once', async () => {
    const email = await account();
    const { backupCodes } = await enrolTotp((await login(email)).client);
    const userId = (
      await sql<{ id: string }>`select id from users where email = ${email}`.execute(t.platform.database.db)
    ).rows[0]!.id;
    const rows = (
      await sql<{ code_hash: Buffer; salt: Buffer | null }>`select code_hash, salt from mfa_backup_codes
        where user_id = ${userId}`.execute(t.platform.database.db)
    ).rows;
    expect(rows).toHaveLength(10);
    const digests = new Set(rows.map((r) => r.code_hash.toString('hex')));
    for (const code of backupCodes) {
      const plain = createHash('sha256').update(code.replace('-', '')).digest('hex');
      expect(digests.has(plain)).toBe(false);
    }
    expect(rows.every((r) => r.salt !== null && r.salt.length >= 16)).toBe(true);

    // A code stored the old way (an unsalted SHA-256 digest, salt null) keeps working, once.
    const legacy = 'abcde-fghjk';
    await sql`insert into mfa_backup_codes (user_id, code_hash) values
      (${userId}, ${createHash('sha256').update('abcdefghjk').digest()})`.execute(t.platform.database.db);
    const first = await login(email);
    expect((await first.client.post('/api/v1/auth/mfa/backup-code', { code: legacy })).statusCode).toBe(200);
    const again = await login(email);
    expect((await again.client.post('/api/v1/auth/mfa/backup-code', { code: legacy })).statusCode).toBe(401);
    expect(
      (await again.client.post('/api/v1/auth/mfa/backup-code', { code: backupCodes[9]! })).statusCode,
    ).toBe(200);
  });
});
