import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifiedAccount, TEST_PASSWORD } from '../support/accounts.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { SessionClient } from '../support/session-client.js';

// The full ceremonies run in Chromium (test/e2e/passkeys.test.ts); these are the refusals.
let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ runsJobs: true });
});
afterAll(() => t.close());

const forged = {
  id: 'AAAA',
  rawId: 'AAAA',
  type: 'public-key',
  response: { clientDataJSON: 'e30', authenticatorData: 'AAAA', signature: 'AAAA' },
  clientExtensionResults: {},
};

describe('passkeys over the API', () => {
  it('offers any passkey, with user verification, to a signed-out visitor', async () => {
    const client = await new SessionClient(t.app).start();
    const res = await client.post('/api/v1/auth/passkey/options');
    expect(res.statusCode).toBe(200);
    const { challengeId, options } = res.json();
    expect(challengeId).toMatch(/^[0-9a-f-]{36}$/);
    expect(options.userVerification).toBe('required');
    expect(options.rpId).toBe(new URL(t.platform.config.PUBLIC_URL).hostname);
    expect(options.allowCredentials ?? []).toEqual([]);
    expect(options.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses an unknown credential, records the failure, and burns the challenge', async () => {
    const client = await new SessionClient(t.app).start();
    const { challengeId } = (await client.post('/api/v1/auth/passkey/options')).json();
    const before = await countEvents('mfa_failed');
    const first = await client.post('/api/v1/auth/passkey', { challengeId, credential: forged });
    expect(first.statusCode).toBe(401);
    expect(first.json()).toMatchObject({ code: 'invalid_code', detail: 'That passkey was not accepted.' });
    // The failure is in the log although the attempt's own transaction was rolled back.
    expect(await countEvents('mfa_failed')).toBe(before + 1);
    const again = await client.post('/api/v1/auth/passkey', { challengeId, credential: forged });
    expect(again.statusCode).toBe(401);
    expect(again.json().detail).toMatch(/expired or was already used/);
  });

  it('rejects a malformed answer with field pointers, not a server error', async () => {
    const client = await new SessionClient(t.app).start();
    const res = await client.post('/api/v1/auth/passkey', { challengeId: 'nope', credential: { id: 1 } });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().errors.map((e: { pointer: string }) => e.pointer)).toContain('/body/challengeId');
  });

  it('adding a passkey needs a session and a recent sign-in; a user without one gets a clear 404 for sign-in options', async () => {
    const anonymous = await new SessionClient(t.app).start();
    expect((await anonymous.post('/api/v1/me/passkeys/options')).statusCode).toBe(401);

    const email = await createVerifiedAccount(t, 'pk');
    const client = await new SessionClient(t.app).start();
    expect((await client.post('/api/v1/auth/login', { email, password: TEST_PASSWORD })).statusCode).toBe(
      200,
    );
    const options = await client.post('/api/v1/me/passkeys/options');
    expect(options.statusCode).toBe(200);
    const created = options.json().options;
    expect(created.rp).toEqual({ id: new URL(t.platform.config.PUBLIC_URL).hostname, name: 'Switchboard' });
    expect(created.user.name).toBe(email);
    expect(created.authenticatorSelection.residentKey).toBe('required');

    const signedInOptions = await client.post('/api/v1/auth/passkey/options');
    expect(signedInOptions.statusCode).toBe(404);
    expect(signedInOptions.json().detail).toBe('You have no passkey yet.');

    const rename = await client.patch('/api/v1/me/mfa/00000000-0000-4000-8000-000000000000', {
      label: 'Laptop',
    });
    expect(rename.statusCode).toBe(404);
  });

  it('a failed password sign-in is in the log even though the request failed', async () => {
    const email = await createVerifiedAccount(t, 'pkfail');
    const client = await new SessionClient(t.app).start();
    const before = await countEvents('login_failed');
    expect(
      (await client.post('/api/v1/auth/login', { email, password: 'wrong-password-123' })).statusCode,
    ).toBe(401);
    expect(await countEvents('login_failed')).toBe(before + 1);
  });
});

async function countEvents(type: string): Promise<number> {
  const row = await t.platform.database.db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('action', '=', `auth.${type}`)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
