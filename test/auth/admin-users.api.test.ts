import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifiedAccount, TEST_PASSWORD } from '../support/accounts.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { issueTokens, registerTestClient, tokenRequest, withToken } from '../support/oauth.js';
import { mailTo, tokenFrom } from '../support/outbox.js';
import { SessionClient } from '../support/session-client.js';

// Self sign-up off: people join only by invitation. MFA is not required here so that the admin's
// password sign-in is enough (the MFA policy has its own tests).
let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ runsJobs: true, env: { SIGNUP_ENABLED: 'false', MFA_REQUIRED_ROLES: 'none' } });
});
afterAll(() => t.close());

const db = () => t.platform.database.db;
let n = 0;
const address = (prefix: string) => `${prefix}${++n}-${Date.now()}@example.com`;

/** An active account with a password, made directly in the database (sign-up is off here). */
async function account(roles: string[] = ['customer']): Promise<{ email: string; id: string }> {
  const email = address(roles[0]!);
  const admin = await signIn(await seedAdmin());
  const invited = await admin.post('/api/v1/admin/invitations', { email, displayName: 'Someone', roles });
  expect(invited.statusCode).toBe(201);
  const [mail] = await mailTo(t, email);
  const accept = await new SessionClient(t.app).start();
  const res = await accept.post('/api/v1/auth/invitation/accept', {
    token: tokenFrom(mail!, '/auth/invite'),
    password: TEST_PASSWORD,
  });
  expect(res.statusCode).toBe(200);
  return { email, id: invited.json().id };
}

let seeded: string | undefined;
/** The first administrator, as `switchboard admin create` would make it. */
async function seedAdmin(): Promise<string> {
  if (seeded) return seeded;
  const email = address('root');
  const { createAdmin } = await import('../../src/modules/auth/service/bootstrap.js');
  await db()
    .transaction()
    .execute((trx) =>
      createAdmin(trx, t.config, { email, displayName: 'Root Admin', password: TEST_PASSWORD }),
    );
  seeded = email;
  return email;
}

async function signIn(email: string): Promise<SessionClient> {
  const client = await new SessionClient(t.app).start();
  const res = await client.post('/api/v1/auth/login', { email, password: TEST_PASSWORD });
  expect(res.statusCode, res.body).toBe(200);
  return client;
}

const events = (userId: string, type: string) =>
  db()
    .selectFrom('audit_log')
    .select(['details', 'ip', 'actor_type', 'actor_id', 'request_id'])
    .where('target_id', '=', userId)
    .where('action', '=', `auth.${type}`)
    .execute();

describe('invitations with self sign-up off', () => {
  it('refuses sign-up; an admin invites, the invitee chooses a password once and is signed in', async () => {
    const visitor = await new SessionClient(t.app).start();
    const signup = await visitor.post('/api/v1/auth/signup', {
      email: address('self'),
      password: TEST_PASSWORD,
      displayName: 'Self',
    });
    expect(signup.statusCode).toBe(403);
    expect(signup.json().code).toBe('signup_disabled');

    const admin = await signIn(await seedAdmin());
    const email = address('invitee');
    const invited = await admin.post('/api/v1/admin/invitations', {
      email: email.toUpperCase(),
      displayName: 'Ivy Invitee',
      roles: ['agent'],
    });
    expect(invited.statusCode).toBe(201);
    expect(invited.json()).toMatchObject({ email, status: 'pending_verification', roles: ['agent'] });
    const again = await admin.post('/api/v1/admin/invitations', { email });
    expect(again.statusCode).toBe(409);
    expect(again.json().detail).toBe(`${email} already has an account.`);

    const [mail] = await mailTo(t, email);
    expect(mail!.subject).toBe('You are invited to Switchboard');
    expect(mail!.body_text).toContain('Root Admin invited you to');
    const token = tokenFrom(mail!, '/auth/invite');

    const invitee = await new SessionClient(t.app).start();
    const weak = await invitee.post('/api/v1/auth/invitation/accept', { token, password: 'short' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().errors[0].pointer).toBe('/body/password');
    const accepted = await invitee.post('/api/v1/auth/invitation/accept', { token, password: TEST_PASSWORD });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().user).toMatchObject({ email, status: 'active', roles: ['agent'] });
    expect((await invitee.get('/api/v1/me')).json().email).toBe(email);
    const reused = await new SessionClient(t.app)
      .start()
      .then((c) => c.post('/api/v1/auth/invitation/accept', { token, password: TEST_PASSWORD }));
    expect(reused.statusCode).toBe(400);
    expect((await events(invited.json().id, 'user_invited'))[0]?.details).toMatchObject({ roles: ['agent'] });
  });

  it('the invitation page takes the password and signs the person in', async () => {
    const admin = await signIn(await seedAdmin());
    const email = address('webinvitee');
    expect((await admin.post('/api/v1/admin/invitations', { email })).statusCode).toBe(201);
    const token = tokenFrom((await mailTo(t, email))[0]!, '/auth/invite');
    const browser = await new SessionClient(t.app).start();
    const form = await browser.get(`/auth/invite?token=${token}`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Activate my account');
    const weak = await browser.post('/auth/invite', { token, password: 'password1234' });
    expect(weak.statusCode).toBe(400);
    expect(weak.body).toContain('field-password-error');
    const done = await browser.post('/auth/invite', { token, password: TEST_PASSWORD });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/tickets'); // a customer's home: My tickets
    expect((await browser.get('/api/v1/me')).json()).toMatchObject({ email, status: 'active' });
  });

  it('only a signed-in administrator may invite', async () => {
    const anonymous = await new SessionClient(t.app).start();
    expect((await anonymous.post('/api/v1/admin/invitations', { email: address('x') })).statusCode).toBe(401);
    const customer = await signIn((await account()).email);
    const res = await customer.post('/api/v1/admin/invitations', { email: address('x') });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('forbidden');
  });
});

describe('administrators and other people’s sessions', () => {
  it('ends all sessions of a user: their cookies stop working at once', async () => {
    const user = await account();
    const laptop = await signIn(user.email);
    const phone = await signIn(user.email);
    const admin = await signIn(await seedAdmin());
    const res = await admin.post(`/api/v1/admin/users/${user.id}/end-sessions`);
    expect(res.statusCode).toBe(200);
    expect(res.json().endedSessions).toBe(3); // two here, one from accepting the invitation
    expect((await laptop.get('/api/v1/me')).statusCode).toBe(401);
    expect((await phone.get('/api/v1/me')).statusCode).toBe(401);
    const [event] = await events(user.id, 'session_revoked');
    expect(event?.details).toMatchObject({ count: 3 });
  });

  /** A user signed in to an OAuth app: its access and refresh tokens work until revoked. */
  async function connectedApp(user: { email: string }) {
    const { clientId } = await registerTestClient(t);
    const browser = await signIn(user.email);
    const tokens = await issueTokens(t.app, browser, t.config.PUBLIC_URL, clientId);
    expect((await withToken(t.app, tokens.access_token)).statusCode).toBe(200);
    const refresh = () =>
      tokenRequest(t.app, {
        grant_type: 'refresh_token',
        client_id: clientId,
        refresh_token: tokens.refresh_token,
      });
    return { tokens, refresh };
  }

  it('signing a user out everywhere also revokes their apps’ access and refresh tokens', async () => {
    const user = await account();
    const app = await connectedApp(user);
    const admin = await signIn(await seedAdmin());
    expect((await admin.post(`/api/v1/admin/users/${user.id}/end-sessions`)).statusCode).toBe(200);
    const api = await withToken(t.app, app.tokens.access_token);
    expect(api.statusCode).toBe(401);
    expect(api.json().detail).toMatch(/revoked/);
    expect((await app.refresh()).json().error).toBe('invalid_grant');
    const [event] = await events(user.id, 'session_revoked');
    expect(event?.details).toMatchObject({ revokedGrants: 1 });
  });

  it('the admin page’s “sign out everywhere” revokes the user’s app tokens too', async () => {
    const user = await account();
    const app = await connectedApp(user);
    const admin = await signIn(await seedAdmin());
    const done = await admin.post(`/admin/users/${user.id}/end-sessions`, {});
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe(`/admin/users/${user.id}?done=end-sessions`);
    expect((await withToken(t.app, app.tokens.access_token)).statusCode).toBe(401);
    expect((await app.refresh()).json().error).toBe('invalid_grant');
  });

  it('disabling ends every session and blocks password and link sign-in; enabling restores it', async () => {
    const user = await account();
    const session = await signIn(user.email);
    const admin = await signIn(await seedAdmin());
    const disabled = await admin.post(`/api/v1/admin/users/${user.id}/disable`);
    expect(disabled.statusCode).toBe(200);
    expect(disabled.json()).toMatchObject({ user: { status: 'disabled' }, endedSessions: 2 });
    expect((await session.get('/api/v1/me')).statusCode).toBe(401);
    const again = await new SessionClient(t.app).start();
    const login = await again.post('/api/v1/auth/login', { email: user.email, password: TEST_PASSWORD });
    expect(login.statusCode).toBe(403);
    expect(login.json().code).toBe('account_disabled');

    const enabled = await admin.post(`/api/v1/admin/users/${user.id}/enable`);
    expect(enabled.json().status).toBe('active');
    await signIn(user.email);
    const adminId = (await admin.get('/api/v1/me')).json().id;
    const [disabledEvent] = await events(user.id, 'user_disabled');
    expect(disabledEvent?.details).toEqual({ by: adminId, endedSessions: 2 });
    expect(disabledEvent).toMatchObject({ actor_type: 'user', actor_id: adminId, ip: admin.remoteAddress });
    expect(disabledEvent?.request_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('an administrator cannot disable themselves; unknown users are 404; stale sign-ins must re-authenticate', async () => {
    const admin = await signIn(await seedAdmin());
    const me = (await admin.get('/api/v1/me')).json();
    const self = await admin.post(`/api/v1/admin/users/${me.id}/disable`);
    expect(self.statusCode).toBe(409);
    expect(self.json().detail).toBe('You cannot disable your own account.');
    const missing = await admin.post('/api/v1/admin/users/00000000-0000-4000-8000-000000000000/disable');
    expect(missing.statusCode).toBe(404);

    // Age the admin's sign-in past the ten-minute window.
    const [session] = await t.platform.sessions.listByUser(me.id);
    for (const s of await t.platform.sessions.listByUser(me.id)) {
      await t.platform.sessions.touch(s.idHash, new Date(), {
        ...s.data,
        authenticatedAt: new Date(Date.now() - 11 * 60_000).toISOString(),
      });
    }
    expect(session).toBeDefined();
    const stale = await admin.post(`/api/v1/admin/users/${me.id}/end-sessions`);
    expect(stale.statusCode).toBe(401);
    expect(stale.json().code).toBe('reauth_required');
    // The page's re-confirmation form: a wrong password comes back as a message on the same page.
    const wrong = await admin.post('/admin/reauth', {
      password: 'not-my-password-1',
      next: `/admin/users/${me.id}`,
    });
    expect(wrong.headers.location).toBe(`/admin/users/${me.id}?reauth=failed`);
    const page = await admin.request('GET', wrong.headers.location as string, undefined, {
      accept: 'text/html',
    });
    expect(page.body).toContain('That password is not correct.');
    expect((await admin.post('/api/v1/me/reauth', { password: TEST_PASSWORD })).statusCode).toBe(204);
    const user = await account();
    expect((await admin.post(`/api/v1/admin/users/${user.id}/end-sessions`)).statusCode).toBe(200);
  });
});

// Keep the helper honest: an account made by invitation can sign in like any other.
it('an invited account signs in with its password', async () => {
  const { email } = await account();
  await signIn(email);
  await expect(createVerifiedAccount(t).catch((e: Error) => e.message)).resolves.toContain('sign-up failed');
});

describe('finding users and resetting second factors', () => {
  it('searches by email or name, filters by role and status, and pages by email', async () => {
    const admin = await signIn(await seedAdmin());
    const tag = `zeta${Date.now()}`;
    for (let i = 0; i < 3; i++) {
      expect(
        (
          await admin.post('/api/v1/admin/invitations', {
            email: `${tag}-${i}@example.com`,
            displayName: `Zed ${tag}`,
            roles: i ? ['agent'] : ['customer'],
          })
        ).statusCode,
      ).toBe(201);
    }
    const byName = (await admin.get(`/api/v1/admin/users?q=${tag.toUpperCase()}`)).json();
    expect(byName.items.map((u: { email: string }) => u.email)).toEqual(
      [0, 1, 2].map((i) => `${tag}-${i}@example.com`),
    );
    const agents = (
      await admin.get(`/api/v1/admin/users?q=${tag}&role=agent&status=pending_verification`)
    ).json();
    expect(agents.items).toHaveLength(2);
    const first = (await admin.get(`/api/v1/admin/users?q=${tag}&limit=2`)).json();
    expect(first.items).toHaveLength(2);
    const second = (
      await admin.get(`/api/v1/admin/users?q=${tag}&limit=2&cursor=${encodeURIComponent(first.nextCursor)}`)
    ).json();
    expect(second).toEqual({
      items: [expect.objectContaining({ email: `${tag}-2@example.com` })],
      nextCursor: null,
    });
    expect((await admin.get('/api/v1/admin/users?status=gone')).statusCode).toBe(400);
  });

  it('resets a user’s second factors with a reason: factors gone, signed out, told by mail, audited', async () => {
    const user = await account();
    const session = await signIn(user.email);
    await db()
      .insertInto('mfa_factors')
      .values({ user_id: user.id, kind: 'totp', label: 'Old phone', confirmed_at: new Date() })
      .execute();
    const admin = await signIn(await seedAdmin());
    const short = await admin.post(`/api/v1/admin/users/${user.id}/reset-mfa`, { reason: 'lost' });
    expect(short.statusCode).toBe(400);
    expect(short.json().errors[0].pointer).toBe('/body/reason');
    const reset = await admin.post(`/api/v1/admin/users/${user.id}/reset-mfa`, {
      reason: 'Phone stolen, confirmed by call',
    });
    expect(reset.json()).toEqual({ removedFactors: 1 });
    expect((await session.get('/api/v1/me')).statusCode).toBe(401);
    const mails = await mailTo(t, user.email, 2);
    expect(mails.some((m) => m.body_text.includes('Your two-factor sign-in was reset'))).toBe(true);
    const [event] = await events(user.id, 'mfa_reset');
    expect(event?.details).toMatchObject({ reason: 'Phone stolen, confirmed by call', removedFactors: 1 });
  });
});
