import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../support/accounts.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { mailTo, type OutboxMail, tokenFrom } from '../support/outbox.js';
import { SessionClient } from '../support/session-client.js';
import { waitFor } from '../support/wait.js';

// Pre-registration takeover ("pre-hijacked accounts"): a stranger signs up with the victim's address
// and a password of their choosing, then waits for the victim to prove the mailbox. Whatever path
// proves it, the stranger's password (and anything else set up before) must not survive.
let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ runsJobs: true, env: { MFA_REQUIRED_ROLES: 'none' } });
});
afterAll(() => t.close());

const db = () => t.platform.database.db;
let n = 0;
const victimAddress = () => `victim${++n}-${Date.now()}@example.com`;
const STRANGER_PASSWORD = 'stranger-picked-this-9';

/** The stranger signs up with the victim's address from their own browser; returns the account id. */
async function strangerSignsUp(email: string): Promise<{ stranger: SessionClient; id: string }> {
  const stranger = await new SessionClient(t.app).start();
  const res = await stranger.post('/api/v1/auth/signup', {
    email,
    password: STRANGER_PASSWORD,
    displayName: 'Not The Owner',
  });
  expect(res.statusCode).toBe(202);
  const row = await db()
    .selectFrom('users')
    .select(['id', 'status'])
    .where('email', '=', email)
    .executeTakeFirstOrThrow();
  expect(row.status).toBe('pending_verification');
  return { stranger, id: row.id };
}

/**
 * Everything a stranger could have hung on the pending account (no path allows it today; this is
 * the second wall): a second factor, backup codes, a verified phone, a session, an OAuth grant.
 */
async function strangerAttaches(userId: string): Promise<void> {
  await sql`insert into mfa_factors (user_id, kind, label, secret_sealed, confirmed_at)
    values (${userId}, 'totp', 'stranger', 'sealed', now())`.execute(db());
  await sql`insert into mfa_backup_codes (user_id, code_hash) values (${userId}, ${randomBytes(32)})`.execute(
    db(),
  );
  await sql`update users set phone = '+31612345678', phone_verified_at = now() where id = ${userId}`.execute(
    db(),
  );
  await sql`insert into oauth_store (model, id, payload)
    values ('Grant', ${randomUUID()}, ${JSON.stringify({ accountId: userId, clientId: 'x' })}::jsonb)`.execute(
    db(),
  );
  const now = new Date();
  await t.platform.sessions.create({
    idHash: randomBytes(32).toString('hex'),
    userId,
    data: { csrf: 'x', mfa: 'done', method: 'password' },
    ip: null,
    userAgent: null,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + 3600_000),
  });
}

/** What is left of the stranger's set-up. */
async function leftovers(userId: string) {
  const count = async (table: 'mfa_factors' | 'mfa_backup_codes') =>
    Number(
      (
        await db()
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .where('user_id', '=', userId)
          .executeTakeFirstOrThrow()
      ).n,
    );
  const user = await db()
    .selectFrom('users')
    .select(['password_hash', 'phone', 'status'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  const grants = await sql<{ n: string }>`select count(*) as n from oauth_store
    where model = 'Grant' and payload->>'accountId' = ${userId}`.execute(db());
  return {
    factors: await count('mfa_factors'),
    backupCodes: await count('mfa_backup_codes'),
    phone: user.phone,
    sessions: (await t.platform.sessions.listByUser(userId)).length,
    grants: Number(grants.rows[0]!.n),
    hasPassword: user.password_hash !== null,
    status: user.status,
  };
}

const NOTHING_LEFT = { factors: 0, backupCodes: 0, phone: null, sessions: 0, grants: 0, hasPassword: false };

/**
 * The token of the newest mailed link to `path`, once at least `minimum` mails have come and one of
 * them holds such a link (mails are sent by jobs, so they arrive in no fixed order).
 */
async function mailedToken(email: string, path: string, minimum = 1): Promise<string> {
  let mail: OutboxMail | undefined;
  await waitFor(
    async () => {
      mail = (await mailTo(t, email, minimum)).find((m) => m.body_text.includes(`${path}?token=`));
      return mail !== undefined;
    },
    15_000,
    `a ${path} link mailed to ${email}`,
  );
  return tokenFrom(mail!, path);
}

/** Posts a page's form as a browser would: its CSRF field, the visitor's cookies, form encoding. */
async function postForm(
  client: SessionClient,
  pageBody: string,
  path: string,
  fields: Record<string, string>,
) {
  const csrf = /name="_csrf" value="([^"]+)"/.exec(pageBody)![1]!;
  return t.app.inject({
    method: 'POST',
    url: path,
    remoteAddress: client.remoteAddress,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'sec-fetch-site': 'same-origin',
      cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    },
    payload: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
  });
}

async function login(email: string, password: string) {
  const client = await new SessionClient(t.app).start();
  return client.post('/api/v1/auth/login', { email, password });
}

async function magicLinkSignIn(email: string, minimum: number) {
  const victim = await new SessionClient(t.app).start();
  expect((await victim.post('/api/v1/auth/magic-link', { email })).statusCode).toBe(202);
  const token = await mailedToken(email, '/auth/magic', minimum);
  const res = await victim.post('/api/v1/auth/magic-link/consume', { token });
  return { victim, res };
}

describe('pre-registration takeover through a magic link', () => {
  it('the owner signs in by email; the stranger’s password, factors, phone, sessions and grants are gone', async () => {
    const email = victimAddress();
    const { id } = await strangerSignsUp(email);
    await strangerAttaches(id);

    const { victim, res } = await magicLinkSignIn(email, 2);
    expect(res.statusCode).toBe(200);
    expect(res.json().mfa).toBe('done');
    expect(res.json().user.status).toBe('active');
    expect(res.json().notice).toMatch(/no password is set/i);
    expect(res.json().notice).toMatch(/Reset password/);
    expect((await victim.get('/api/v1/me')).statusCode).toBe(200);

    expect(await leftovers(id)).toEqual({ ...NOTHING_LEFT, sessions: 1, status: 'active' }); // the owner's own
    const strangerLogin = await login(email, STRANGER_PASSWORD);
    expect(strangerLogin.statusCode).toBe(401);
    expect(strangerLogin.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('retires the links mailed before: the sign-up verification no longer works', async () => {
    const email = victimAddress();
    await strangerSignsUp(email);
    const verifyToken = await mailedToken(email, '/auth/verify');
    await magicLinkSignIn(email, 2);
    const other = await new SessionClient(t.app).start();
    expect((await other.post('/api/v1/auth/verify-email', { token: verifyToken })).statusCode).toBe(400);
    expect((await login(email, STRANGER_PASSWORD)).statusCode).toBe(401);
  });

  it('the owner then chooses a password with a reset link and signs in with it', async () => {
    const email = victimAddress();
    await strangerSignsUp(email);
    const { victim } = await magicLinkSignIn(email, 2);
    await victim.post('/api/v1/auth/password-reset', { email });
    const done = await victim.post('/api/v1/auth/password-reset/complete', {
      token: await mailedToken(email, '/auth/reset', 3),
      password: 'mailbox-chose-this-at-last',
    });
    expect(done.statusCode).toBe(204);
    expect((await login(email, 'mailbox-chose-this-at-last')).statusCode).toBe(200);
    expect((await login(email, STRANGER_PASSWORD)).statusCode).toBe(401);
  });

  it('on the web page the owner is told no password is set and offered to choose one', async () => {
    const email = victimAddress();
    await strangerSignsUp(email);
    const victim = await new SessionClient(t.app).start();
    await victim.post('/api/v1/auth/magic-link', { email });
    const token = await mailedToken(email, '/auth/magic', 2);
    const page = await victim.get(`/auth/magic?token=${token}`);
    const signedIn = await postForm(victim, page.body, '/auth/magic', { token });
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.body).toMatch(/no password is set/i);
    expect(signedIn.body).toContain('href="/reset"');
    expect((await login(email, STRANGER_PASSWORD)).statusCode).toBe(401);
  });
});

describe('pre-registration takeover through email verification', () => {
  it('a verification opened in another browser drops the stranger’s password and set-up', async () => {
    const email = victimAddress();
    const { id } = await strangerSignsUp(email);
    await strangerAttaches(id);
    const [mail] = await mailTo(t, email);
    const victim = await new SessionClient(t.app).start();
    const res = await victim.post('/api/v1/auth/verify-email', { token: tokenFrom(mail!, '/auth/verify') });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ passwordSet: false });
    expect(res.json().message).toMatch(/no password is set/i);
    expect(await leftovers(id)).toEqual({ ...NOTHING_LEFT, status: 'active' });
    expect((await login(email, STRANGER_PASSWORD)).statusCode).toBe(401);
  });

  it('a wrong password is refused as a field error and leaves the link usable', async () => {
    const email = victimAddress();
    await strangerSignsUp(email);
    const [mail] = await mailTo(t, email);
    const token = tokenFrom(mail!, '/auth/verify');
    const victim = await new SessionClient(t.app).start();
    const wrong = await victim.post('/api/v1/auth/verify-email', {
      token,
      password: 'a-guess-at-the-password',
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(wrong.json().errors[0].pointer).toBe('/body/password');
    const ok = await victim.post('/api/v1/auth/verify-email', { token });
    expect(ok.json()).toMatchObject({ passwordSet: false });
    expect((await login(email, STRANGER_PASSWORD)).statusCode).toBe(401);
  });

  it('keeps the password for whoever signed up: same browser, or the password typed again elsewhere', async () => {
    const sameBrowser = victimAddress();
    const { stranger: owner } = await strangerSignsUp(sameBrowser);
    const [mail] = await mailTo(t, sameBrowser);
    const res = await owner.post('/api/v1/auth/verify-email', { token: tokenFrom(mail!, '/auth/verify') });
    expect(res.json()).toMatchObject({ passwordSet: true });
    expect((await login(sameBrowser, STRANGER_PASSWORD)).statusCode).toBe(200);

    const otherDevice = victimAddress();
    await strangerSignsUp(otherDevice);
    const [mail2] = await mailTo(t, otherDevice);
    const phone = await new SessionClient(t.app).start();
    const typed = await phone.post('/api/v1/auth/verify-email', {
      token: tokenFrom(mail2!, '/auth/verify'),
      password: STRANGER_PASSWORD,
    });
    expect(typed.json()).toMatchObject({ passwordSet: true });
    expect((await login(otherDevice, STRANGER_PASSWORD)).statusCode).toBe(200);
  });

  it('the sign-up proof of one account does not keep the password of another', async () => {
    const email = victimAddress();
    await strangerSignsUp(email);
    // The stranger's browser carries a proof for their own other sign-up, not for this account.
    const { stranger } = await strangerSignsUp(victimAddress());
    const [mail] = await mailTo(t, email);
    const res = await stranger.post('/api/v1/auth/verify-email', { token: tokenFrom(mail!, '/auth/verify') });
    expect(res.json()).toMatchObject({ passwordSet: false });
  });

  it('the web page asks for the sign-up password only in another browser', async () => {
    const email = victimAddress();
    const { stranger } = await strangerSignsUp(email);
    const [mail] = await mailTo(t, email);
    const token = tokenFrom(mail!, '/auth/verify');
    const elsewhere = await (await new SessionClient(t.app).start()).get(`/auth/verify?token=${token}`);
    expect(elsewhere.body).toContain('name="password"');
    expect(elsewhere.body).toMatch(/Leave this empty/);
    const there = await stranger.get(`/auth/verify?token=${token}`);
    expect(there.body).not.toContain('name="password"');
  });

  it('on the web page a wrong password is a form message; left empty, the owner is told no password is set', async () => {
    const email = victimAddress();
    await strangerSignsUp(email);
    const token = await mailedToken(email, '/auth/verify');
    const victim = await new SessionClient(t.app).start();
    const page = await victim.get(`/auth/verify?token=${token}`);
    const wrong = await postForm(victim, page.body, '/auth/verify', {
      token,
      password: 'a-guess-at-the-password',
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.headers['content-type']).toMatch(/text\/html/);
    expect(wrong.body).toContain('This is not the password chosen when the account was created.');
    expect(wrong.body).toContain('name="password"');
    const empty = await postForm(victim, page.body, '/auth/verify', { token, password: '' });
    expect(empty.statusCode).toBe(200);
    expect(empty.body).toMatch(/no password is set/i);
    expect(empty.body).toContain('href="/reset"');
    expect((await login(email, STRANGER_PASSWORD)).statusCode).toBe(401);
  });
});

describe('pre-registration takeover through the other activation paths', () => {
  it('a password reset on a pending account activates it with the new password only', async () => {
    const email = victimAddress();
    const { id } = await strangerSignsUp(email);
    await strangerAttaches(id);
    const victim = await new SessionClient(t.app).start();
    await victim.post('/api/v1/auth/password-reset', { email });
    const done = await victim.post('/api/v1/auth/password-reset/complete', {
      token: await mailedToken(email, '/auth/reset', 2),
      password: 'mailbox-resets-to-this-1',
    });
    expect(done.statusCode).toBe(204);
    expect(await leftovers(id)).toEqual({ ...NOTHING_LEFT, hasPassword: true, status: 'active' });
    const owner = await login(email, 'mailbox-resets-to-this-1');
    expect(owner.statusCode).toBe(200);
    expect(owner.json().mfa).toBe('done');
    expect((await login(email, STRANGER_PASSWORD)).statusCode).toBe(401);
  });

  it('accepting an invitation to a pending account keeps nothing set up before', async () => {
    const email = victimAddress();
    const { id } = await strangerSignsUp(email);
    await strangerAttaches(id);
    const { issueToken } = await import('../../src/modules/auth/tokens/one-time-tokens.js');
    const token = await db()
      .transaction()
      .execute((trx) => issueToken(trx, id, 'invitation'));
    const invitee = await new SessionClient(t.app).start();
    const res = await invitee.post('/api/v1/auth/invitation/accept', {
      token,
      password: 'invitee-chose-this-2',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().mfa).toBe('done');
    expect(await leftovers(id)).toEqual({
      ...NOTHING_LEFT,
      hasPassword: true,
      sessions: 1,
      status: 'active',
    });
    expect((await login(email, STRANGER_PASSWORD)).statusCode).toBe(401);
  });

  it('`switchboard admin create` on a pending account does not make the stranger an administrator', async () => {
    const email = victimAddress();
    const { id } = await strangerSignsUp(email);
    await strangerAttaches(id);
    const { createAdmin } = await import('../../src/modules/auth/service/bootstrap.js');
    const created = await db()
      .transaction()
      .execute((trx) => createAdmin(trx, t.config, { email, displayName: 'Operator' }));
    expect(created.promoted).toBe(true);
    expect(created.signInUrl).toContain('/auth/magic?token=');
    // Called as the CLI calls it: without a session store (a pending account cannot hold a
    // session: every sign-in refuses it), so the session planted here is not counted.
    const { sessions: _planted, ...rest } = await leftovers(id);
    const { sessions: _none, ...expected } = NOTHING_LEFT;
    expect(rest).toEqual({ ...expected, status: 'active' });
    expect((await login(email, STRANGER_PASSWORD)).statusCode).toBe(401);
  });
});

describe('an administrator acting on a pending account', () => {
  async function admin(): Promise<SessionClient> {
    const email = `admin${++n}-${Date.now()}@example.com`;
    const { createAdmin } = await import('../../src/modules/auth/service/bootstrap.js');
    await db()
      .transaction()
      .execute((trx) => createAdmin(trx, t.config, { email, displayName: 'Admin', password: TEST_PASSWORD }));
    const client = await new SessionClient(t.app).start();
    expect((await client.post('/api/v1/auth/login', { email, password: TEST_PASSWORD })).statusCode).toBe(
      200,
    );
    return client;
  }

  it('a role granted before the owner proves the address never reaches the stranger', async () => {
    const email = victimAddress();
    const { id } = await strangerSignsUp(email);
    const boss = await admin();
    const granted = await boss.request('PUT', `/api/v1/admin/users/${id}/roles`, { roles: ['agent'] });
    expect(granted.statusCode).toBe(200);
    // Still pending: the stranger's password opens nothing.
    expect((await login(email, STRANGER_PASSWORD)).json().code).toBe('email_not_verified');
    const { res } = await magicLinkSignIn(email, 2);
    expect(res.json().user.roles).toEqual(['agent']);
    expect((await login(email, STRANGER_PASSWORD)).statusCode).toBe(401);
  });

  it('disabling and enabling a pending account leaves it pending', async () => {
    const email = victimAddress();
    const { id } = await strangerSignsUp(email);
    const boss = await admin();
    expect((await boss.post(`/api/v1/admin/users/${id}/disable`)).statusCode).toBe(200);
    const enabled = await boss.post(`/api/v1/admin/users/${id}/enable`);
    expect(enabled.statusCode).toBe(200);
    expect(enabled.json().status).toBe('pending_verification');
    expect((await login(email, STRANGER_PASSWORD)).json().code).toBe('email_not_verified');
  });

  it('a verification link of a disabled pending account does not re-enable it', async () => {
    const email = victimAddress();
    const { id } = await strangerSignsUp(email);
    const [mail] = await mailTo(t, email);
    const boss = await admin();
    expect((await boss.post(`/api/v1/admin/users/${id}/disable`)).statusCode).toBe(200);
    const victim = await new SessionClient(t.app).start();
    const res = await victim.post('/api/v1/auth/verify-email', { token: tokenFrom(mail!, '/auth/verify') });
    expect(res.statusCode).toBe(400);
    expect((await leftovers(id)).status).toBe('disabled');
  });
});

describe('a stranger signing up after the owner', () => {
  it('changes nothing: the owner’s password, session and roles stay; the stranger’s password opens nothing', async () => {
    const email = victimAddress();
    const { stranger: owner, id } = await strangerSignsUp(email);
    const [mail] = await mailTo(t, email);
    await owner.post('/api/v1/auth/verify-email', { token: tokenFrom(mail!, '/auth/verify') });
    const ownerSession = await new SessionClient(t.app).start();
    expect(
      (await ownerSession.post('/api/v1/auth/login', { email, password: STRANGER_PASSWORD })).statusCode,
    ).toBe(200);

    const late = await new SessionClient(t.app).start();
    const again = await late.post('/api/v1/auth/signup', {
      email: email.toUpperCase(),
      password: 'late-stranger-password-3',
      displayName: 'Mallory',
    });
    expect(again.statusCode).toBe(202);
    expect((await login(email, 'late-stranger-password-3')).statusCode).toBe(401);
    expect((await ownerSession.get('/api/v1/me')).json()).toMatchObject({
      displayName: 'Not The Owner',
      status: 'active',
    });
    expect((await leftovers(id)).hasPassword).toBe(true);
    expect((await login(email, STRANGER_PASSWORD)).statusCode).toBe(200);
  });
});

describe('racing the owner', () => {
  it('two uses of one magic link at once: one signs in, the other is refused', async () => {
    const email = victimAddress();
    await strangerSignsUp(email);
    const a = await new SessionClient(t.app).start();
    await a.post('/api/v1/auth/magic-link', { email });
    const token = await mailedToken(email, '/auth/magic', 2);
    const b = await new SessionClient(t.app).start();
    const results = await Promise.all([
      a.post('/api/v1/auth/magic-link/consume', { token }),
      b.post('/api/v1/auth/magic-link/consume', { token }),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 401]);
    expect((await login(email, STRANGER_PASSWORD)).statusCode).toBe(401);
  });
});

describe('headers on pages whose URL carries a token', () => {
  it.each(['/auth/verify', '/auth/magic', '/auth/reset', '/auth/invite'])(
    '%s sends Referrer-Policy: no-referrer and Cache-Control: no-store',
    async (path) => {
      const visitor = await new SessionClient(t.app).start();
      const page = await visitor.get(`${path}?token=${randomBytes(32).toString('base64url')}`);
      expect(page.statusCode).toBe(200);
      expect(page.headers['referrer-policy']).toBe('no-referrer');
      expect(page.headers['cache-control']).toBe('no-store');
      const answer = await postForm(visitor, page.body, path, {
        token: 'not-a-token',
        password: 'whatever-it-is-1',
      });
      expect(answer.statusCode).toBeLessThan(500);
      expect(answer.headers['referrer-policy']).toBe('no-referrer');
      expect(answer.headers['cache-control']).toBe('no-store');
    },
  );
});
