import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { mailTo, tokenFrom } from '../support/outbox.js';
import { SessionClient } from '../support/session-client.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ runsJobs: true, env: { PUBLIC_URL: 'http://localhost:3000' } });
});
afterAll(() => t.close());

let n = 0;
const uniqueEmail = () => `person${++n}-${Date.now()}@example.com`;
const PASSWORD = 'tangerine-orbit-41';

/** Signs up and verifies through the real mails; returns a signed-out client and the address. */
async function verifiedAccount(): Promise<{ email: string }> {
  const email = uniqueEmail();
  const client = await new SessionClient(t.app).start();
  expect(
    (await client.post('/api/v1/auth/signup', { email, password: PASSWORD, displayName: 'Ada Byron' }))
      .statusCode,
  ).toBe(202);
  const [mail] = await mailTo(t, email);
  expect(
    (await client.post('/api/v1/auth/verify-email', { token: tokenFrom(mail!, '/auth/verify') })).json(),
  ).toEqual({ passwordSet: true, message: 'Email confirmed. You can sign in now.' });
  return { email };
}

async function signedIn(email: string, password = PASSWORD): Promise<SessionClient> {
  const client = await new SessionClient(t.app).start();
  const res = await client.post('/api/v1/auth/login', { email, password });
  expect(res.statusCode).toBe(200);
  return client;
}

describe('sign-up and email verification', () => {
  it('mails a verification link built from PUBLIC_URL; login waits for it; then works', async () => {
    const email = uniqueEmail();
    const client = await new SessionClient(t.app).start();
    await client.post('/api/v1/auth/signup', {
      email: email.toUpperCase(),
      password: PASSWORD,
      displayName: 'Grace Hopper',
    });
    const [mail] = await mailTo(t, email);
    expect(mail!.body_text).toContain('http://localhost:3000/auth/verify?token=');

    const early = await client.post('/api/v1/auth/login', { email, password: PASSWORD });
    expect(early.statusCode).toBe(403);
    expect(early.json().code).toBe('email_not_verified');
    // The refused sign-in still sends the fresh link it speaks of (the refusal rolled its request back).
    const [resent] = await mailTo(t, email, 2);
    expect(tokenFrom(resent!, '/auth/verify')).not.toBe(tokenFrom(mail!, '/auth/verify'));

    // The new link replaced the first one.
    expect(
      (await client.post('/api/v1/auth/verify-email', { token: tokenFrom(mail!, '/auth/verify') }))
        .statusCode,
    ).toBe(400);
    const token = tokenFrom(resent!, '/auth/verify');
    // The browser that signed up keeps its password (see test/auth/pending-takeover.api.test.ts).
    expect((await client.post('/api/v1/auth/verify-email', { token })).json()).toMatchObject({
      passwordSet: true,
    });
    expect((await client.post('/api/v1/auth/verify-email', { token })).statusCode).toBe(400);
    const login = await client.post('/api/v1/auth/login', { email, password: PASSWORD });
    expect(login.statusCode).toBe(200);
    expect(login.json().user).toMatchObject({
      email,
      displayName: 'Grace Hopper',
      status: 'active',
      roles: ['customer'],
    });
    const me = await client.get('/api/v1/me');
    expect(me.json().email).toBe(email);
  });

  it('answers a sign-up for an existing address exactly like a new one, and tells the owner', async () => {
    const { email } = await verifiedAccount();
    const client = await new SessionClient(t.app).start();
    const again = await client.post('/api/v1/auth/signup', {
      email,
      password: 'another-strong-pass',
      displayName: 'Mallory',
    });
    const fresh = await client.post('/api/v1/auth/signup', {
      email: uniqueEmail(),
      password: 'another-strong-pass',
      displayName: 'Mallory',
    });
    expect(again.statusCode).toBe(fresh.statusCode);
    expect(again.body).toBe(fresh.body);
    const mails = await mailTo(t, email, 2);
    expect(mails[0]!.subject).toMatch(/account/i);
  });

  it('rejects weak passwords with the reason', async () => {
    const client = await new SessionClient(t.app).start();
    const short = await client.post('/api/v1/auth/signup', {
      email: uniqueEmail(),
      password: 'short-pass1',
      displayName: 'X',
    });
    expect(short.statusCode).toBe(400);
    expect(short.json().errors).toEqual([
      { pointer: '/body/password', detail: 'Use at least 12 characters.' },
    ]);
    const common = await client.post('/api/v1/auth/signup', {
      email: uniqueEmail(),
      password: 'password1234',
      displayName: 'X',
    });
    expect(common.json().errors[0].detail).toMatch(/commonly used or leaked/);
  });
});

describe('passwords built from the site’s name', () => {
  it('refuses the product’s name and the instance name at sign-up, as a field error', async () => {
    const client = await new SessionClient(t.app).start();
    const product = await client.post('/api/v1/auth/signup', {
      email: uniqueEmail(),
      password: 'Sw1tchb0ard2026!',
      displayName: 'X',
    });
    expect(product.statusCode).toBe(400);
    expect(product.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(product.json().errors).toEqual([
      {
        pointer: '/body/password',
        detail: 'Do not build your password from the name of this site (Switchboard).',
      },
    ]);
    await sql`update instance_settings set value = '{"name": "Contoso Support"}' where key = 'instance'`.execute(
      t.platform.database.db,
    );
    try {
      const instance = await client.post('/api/v1/auth/signup', {
        email: uniqueEmail(),
        password: 'contoso-support-2026',
        displayName: 'X',
      });
      expect(instance.statusCode).toBe(400);
      expect(instance.json().errors[0].detail).toMatch(/name of this site \(Contoso Support\)/);
    } finally {
      await sql`update instance_settings set value = '{"name": "Switchboard"}' where key = 'instance'`.execute(
        t.platform.database.db,
      );
    }
  });
});

describe('password length and stored hashes', () => {
  it('accepts a 128-character password; its 127-character prefix does not sign in', async () => {
    const email = uniqueEmail();
    const long = 'x7-'.repeat(43).slice(0, 128);
    const client = await new SessionClient(t.app).start();
    expect(
      (await client.post('/api/v1/auth/signup', { email, password: long, displayName: 'Al' })).statusCode,
    ).toBe(202);
    const [mail] = await mailTo(t, email);
    await client.post('/api/v1/auth/verify-email', { token: tokenFrom(mail!, '/auth/verify') });
    const prefix = await new SessionClient(t.app)
      .start()
      .then((c) => c.post('/api/v1/auth/login', { email, password: long.slice(0, 127) }));
    expect(prefix.statusCode).toBe(401);
    await signedIn(email, long);
  });

  it('signs in with an imported argon2 hash and re-hashes it with the current parameters', async () => {
    const { email } = await verifiedAccount();
    const { hash } = await import('@node-rs/argon2');
    const imported = await hash('legacy-system-password', { algorithm: 2, memoryCost: 8192, timeCost: 3 });
    await sql`update users set password_hash = ${imported} where email = ${email}`.execute(
      t.platform.database.db,
    );
    await signedIn(email, 'legacy-system-password');
    const { rows } = await sql<{
      password_hash: string;
    }>`select password_hash from users where email = ${email}`.execute(t.platform.database.db);
    expect(rows[0]!.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    await signedIn(email, 'legacy-system-password');
  });
});

describe('magic links', () => {
  it('signs in once, then the link is dead', async () => {
    const { email } = await verifiedAccount();
    const client = await new SessionClient(t.app).start();
    expect((await client.post('/api/v1/auth/magic-link', { email })).statusCode).toBe(202);
    const [mail] = await mailTo(t, email, 2);
    const token = tokenFrom(mail!, '/auth/magic');
    const first = await client.post('/api/v1/auth/magic-link/consume', { token });
    expect(first.statusCode).toBe(200);
    expect((await client.get('/api/v1/me')).statusCode).toBe(200);
    const other = await new SessionClient(t.app).start();
    expect((await other.post('/api/v1/auth/magic-link/consume', { token })).statusCode).toBe(401);
  });

  it('expires', async () => {
    const { email } = await verifiedAccount();
    const client = await new SessionClient(t.app).start();
    await client.post('/api/v1/auth/magic-link', { email });
    const [mail] = await mailTo(t, email, 2);
    await sql`update one_time_tokens set expires_at = now() - interval '1 second' where purpose = 'magic_link'`.execute(
      t.platform.database.db,
    );
    expect(
      (await client.post('/api/v1/auth/magic-link/consume', { token: tokenFrom(mail!, '/auth/magic') }))
        .statusCode,
    ).toBe(401);
  });

  it('does not reveal whether an address has an account', async () => {
    const { email } = await verifiedAccount();
    const client = await new SessionClient(t.app).start();
    const known = await client.post('/api/v1/auth/magic-link', { email });
    const unknown = await client.post('/api/v1/auth/magic-link', { email: uniqueEmail() });
    expect(known.statusCode).toBe(unknown.statusCode);
    expect(known.body).toBe(unknown.body);
  });
});

describe('sessions', () => {
  it('logout makes the old cookie useless', async () => {
    const { email } = await verifiedAccount();
    const client = await signedIn(email);
    const stolen = new Map(client.cookies);
    expect((await client.post('/api/v1/auth/logout')).statusCode).toBe(204);
    const replay = new SessionClient(t.app);
    for (const [k, v] of stolen) replay.cookies.set(k, v);
    expect((await replay.get('/api/v1/me')).statusCode).toBe(401);
  });

  it('a password reset ends every session and the old password stops working', async () => {
    const { email } = await verifiedAccount();
    const laptop = await signedIn(email);
    const anon = await new SessionClient(t.app).start();
    await anon.post('/api/v1/auth/password-reset', { email });
    const mails = await mailTo(t, email, 2);
    const token = tokenFrom(mails[0]!, '/auth/reset');
    expect(
      (await anon.post('/api/v1/auth/password-reset/complete', { token, password: 'a-brand-new-secret-9' }))
        .statusCode,
    ).toBe(204);
    expect((await laptop.get('/api/v1/me')).statusCode).toBe(401);
    expect((await anon.post('/api/v1/auth/login', { email, password: PASSWORD })).statusCode).toBe(401);
    await signedIn(email, 'a-brand-new-secret-9');
  });
});

describe('CSRF', () => {
  it('refuses a state change without a token, with another session’s token, or from another site', async () => {
    const { email } = await verifiedAccount();
    const mine = await signedIn(email);
    const theirs = await signedIn((await verifiedAccount()).email);
    const noToken = await mine.request('POST', '/api/v1/auth/logout', {}, { 'x-csrf-token': '' });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json().code).toBe('csrf_failed');
    const wrongToken = await mine.request(
      'POST',
      '/api/v1/auth/logout',
      {},
      { 'x-csrf-token': theirs.csrfToken! },
    );
    expect(wrongToken.statusCode).toBe(403);
    const crossSite = await mine.request(
      'POST',
      '/api/v1/auth/logout',
      {},
      { 'sec-fetch-site': 'cross-site' },
    );
    expect(crossSite.statusCode).toBe(403);
    const foreignOrigin = await mine.request(
      'POST',
      '/api/v1/auth/logout',
      {},
      { 'sec-fetch-site': '', origin: 'https://evil.example' },
    );
    expect(foreignOrigin.statusCode).toBe(403);
    expect((await mine.get('/api/v1/me')).statusCode).toBe(200);
  });

  it('protects the sign-in form before there is a session', async () => {
    const client = new SessionClient(t.app);
    const res = await client.post('/api/v1/auth/login', {
      email: 'x@example.com',
      password: 'whatever-long-enough',
    });
    expect(res.statusCode).toBe(403);
  });
});

describe('brute force', () => {
  it('200 wrong passwords from many IPs throttle the account; its owner can still sign in by magic link', async () => {
    const { email } = await verifiedAccount();
    const attacker = await new SessionClient(t.app).start();
    const statuses: number[] = [];
    for (let i = 0; i < 200; i++) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress: `203.0.113.${i % 250}`,
        headers: {
          'sec-fetch-site': 'same-origin',
          'x-csrf-token': attacker.csrfToken!,
          cookie: [...attacker.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        },
        payload: { email, password: `wrong-guess-number-${i}` },
      });
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(150);
    const owner = await new SessionClient(t.app).start();
    expect((await owner.post('/api/v1/auth/login', { email, password: PASSWORD })).statusCode).toBe(429);
    await owner.post('/api/v1/auth/magic-link', { email });
    const [mail] = await mailTo(t, email, 2);
    expect(
      (await owner.post('/api/v1/auth/magic-link/consume', { token: tokenFrom(mail!, '/auth/magic') }))
        .statusCode,
    ).toBe(200);
  }, 60_000);
});
