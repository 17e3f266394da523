import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAccountFailure } from '../../src/modules/auth/throttle.js';
import { createVerifiedAccount, TEST_PASSWORD } from '../support/accounts.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { mailTo, tokenFrom } from '../support/outbox.js';
import { SessionClient } from '../support/session-client.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ runsJobs: true });
});
afterAll(() => t.close());

type Response = Awaited<ReturnType<SessionClient['post']>>;

async function signedIn(email: string): Promise<SessionClient> {
  const client = await new SessionClient(t.app).start();
  expect((await client.post('/api/v1/auth/login', { email, password: TEST_PASSWORD })).statusCode).toBe(200);
  return client;
}

const userIdOf = async (email: string): Promise<string> =>
  (await sql<{ id: string }>`select id from users where email = ${email}`.execute(t.platform.database.db))
    .rows[0]!.id;

/** What an observer sees of an answer: status, whether it says when to retry, and the body's words. */
function visible(res: Response) {
  const { instance: _i, requestId: _r, ...body } = res.json() as Record<string, unknown>;
  return { status: res.statusCode, retryAfter: 'retry-after' in res.headers, body };
}

/** Eight wrong passwords for `email`, each from a new visitor at a new address. */
async function wrongSignIns(email: string): Promise<Response[]> {
  const answers: Response[] = [];
  for (let i = 0; i < 8; i++) {
    const client = await new SessionClient(t.app).start();
    answers.push(await client.post('/api/v1/auth/login', { email, password: `wrong-guess-number-${i}` }));
  }
  return answers;
}

describe('the sign-in back-off does not tell accounts from unknown addresses', () => {
  it('an existing account and an unknown address answer the same sequence', async () => {
    const email = await createVerifiedAccount(t, 'backoff');
    const known = await wrongSignIns(email);
    const unknown = await wrongSignIns(`nobody-${Date.now()}@example.com`);
    expect(known.map((r) => r.statusCode)).toEqual([401, 401, 401, 401, 401, 401, 429, 429]);
    expect(unknown.map(visible)).toEqual(known.map(visible));
    for (const res of [...known, ...unknown].filter((r) => r.statusCode === 429))
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('the address is normalized: changing its case does not reset an unknown address', async () => {
    const address = `Ghost-${Date.now()}@Example.com`;
    const variants = [address, address.toLowerCase(), address.toUpperCase()];
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const client = await new SessionClient(t.app).start();
      const email = variants[i % variants.length]!;
      statuses.push(
        (await client.post('/api/v1/auth/login', { email, password: 'wrong-password-1' })).statusCode,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429, 429]);
    const { rows } = await sql`select 1 from users where lower(email) = ${address.toLowerCase()}`.execute(
      t.platform.database.db,
    );
    expect(rows).toHaveLength(0);
  });
});

describe('a session is no password oracle', () => {
  it('re-authentication shares the sign-in back-off: wrong guesses end in 429, even for the right password', async () => {
    const email = await createVerifiedAccount(t, 'reauth');
    const client = await signedIn(email);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++)
      statuses.push(
        (await client.post('/api/v1/me/reauth', { password: `wrong-guess-number-${i}` })).statusCode,
      );
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429, 429]);
    const right = await client.post('/api/v1/me/reauth', { password: TEST_PASSWORD });
    expect(right.statusCode).toBe(429);
    expect(right.headers['content-type']).toContain('application/problem+json');
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
    // The same counter as sign-in: the owner's next sign-in waits too.
    const owner = await new SessionClient(t.app).start();
    expect((await owner.post('/api/v1/auth/login', { email, password: TEST_PASSWORD })).statusCode).toBe(429);
  });

  it("the admin panel's confirmation form shows the back-off as its own message, not the error page", async () => {
    const email = await createVerifiedAccount(t, 'reauth-page');
    const client = await signedIn(email);
    await wrongSignIns(email);
    const res = await client.post('/admin/reauth', { password: TEST_PASSWORD, next: '/admin/roles' });
    expect(res.statusCode).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toMatch(/Too many attempts\. Try again in \d+ seconds\./);
    expect(res.body).toContain('action="/admin/reauth"');
    expect(res.body).toContain('name="next" value="/admin/roles"');
  });

  it('wrong sign-ins count against re-authentication too', async () => {
    const email = await createVerifiedAccount(t, 'reauth-cross');
    const client = await signedIn(email);
    await wrongSignIns(email);
    expect((await client.post('/api/v1/me/reauth', { password: TEST_PASSWORD })).statusCode).toBe(429);
  });

  it('changing the password shares the back-off: wrong current passwords end in 429', async () => {
    const email = await createVerifiedAccount(t, 'change');
    const client = await signedIn(email);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++)
      statuses.push(
        (
          await client.post('/api/v1/me/password', {
            currentPassword: `wrong-guess-number-${i}`,
            newPassword: 'a-brand-new-passphrase-77',
          })
        ).statusCode,
      );
    expect(statuses).toEqual([400, 400, 400, 400, 400, 400, 429, 429]);
    const right = await client.post('/api/v1/me/password', {
      currentPassword: TEST_PASSWORD,
      newPassword: 'a-brand-new-passphrase-77',
    });
    expect(right.statusCode).toBe(429);
  });

  it('the security page re-authentication form answers 429 with the reason', async () => {
    const email = await createVerifiedAccount(t, 'reauth-web');
    const client = await signedIn(email);
    const page = await client.get('/account/security');
    client.csrfToken = /name="_csrf" value="([^"]+)"/.exec(page.body)![1];
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 7; i++) {
      last = await client.post('/account/reauth', { password: `wrong-guess-number-${i}` });
      statuses.push(last.statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429]);
    expect(last!.body).toContain('Too many attempts');
  });
});

describe('a completed password reset lifts the back-off', () => {
  it('the owner signs in with the new password at once', async () => {
    const email = await createVerifiedAccount(t, 'reset');
    const userId = await userIdOf(email);
    for (let i = 0; i < 20; i++) await recordAccountFailure(t.platform, { userId });
    const owner = await new SessionClient(t.app).start();
    expect((await owner.post('/api/v1/auth/login', { email, password: TEST_PASSWORD })).statusCode).toBe(429);
    await owner.post('/api/v1/auth/password-reset', { email });
    const [mail] = await mailTo(t, email, 2);
    const password = 'a-fresh-start-passphrase-5';
    const reset = await owner.post('/api/v1/auth/password-reset/complete', {
      token: tokenFrom(mail!, '/auth/reset'),
      password,
    });
    expect(reset.statusCode).toBe(204);
    expect((await owner.post('/api/v1/auth/login', { email, password })).statusCode).toBe(200);
  });
});

describe('signing out other sessions needs a recent re-authentication', () => {
  it('refuses with reauth_required until the password is confirmed', async () => {
    const email = await createVerifiedAccount(t, 'others');
    const other = await signedIn(email);
    const client = await signedIn(email);
    const sessions = await t.platform.sessions.listByUser(await userIdOf(email));
    for (const s of sessions)
      await t.platform.sessions.touch(s.idHash, new Date(), {
        ...s.data,
        authenticatedAt: new Date(Date.now() - 3600_000).toISOString(),
      });
    const listed = (await client.get('/api/v1/me/sessions')).json() as { id: string; current: boolean }[];
    const target = listed.find((s) => !s.current)!;

    const all = await client.post('/api/v1/me/sessions/revoke-others');
    expect(all.statusCode).toBe(401);
    expect(all.json().code).toBe('reauth_required');
    const one = await client.delete(`/api/v1/me/sessions/${target.id}`);
    expect(one.statusCode).toBe(401);
    expect(one.json().code).toBe('reauth_required');
    const page = await client.get('/account/security');
    client.csrfToken = /name="_csrf" value="([^"]+)"/.exec(page.body)![1];
    const form = await client.post(`/account/security/sessions/${target.id}/end`);
    expect(form.statusCode).toBe(401);
    expect((await other.get('/api/v1/me')).statusCode).toBe(200);

    expect((await client.post('/api/v1/me/reauth', { password: TEST_PASSWORD })).statusCode).toBe(204);
    const ended = await client.post('/api/v1/me/sessions/revoke-others');
    expect(ended.statusCode).toBe(200);
    expect(ended.json()).toEqual({ ended: 1 });
    expect((await other.get('/api/v1/me')).statusCode).toBe(401);
  });
});
