import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderMail } from '../../src/platform/mail/templates.js';
import { TEST_PASSWORD } from '../support/accounts.js';
import { createUser } from '../support/actors.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { mailTo, tokenFrom } from '../support/outbox.js';
import { SessionClient } from '../support/session-client.js';
import { totpCode } from '../support/totp.js';

// Staff need no second factor here, so the landing pages of each role show after one step.
let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ runsJobs: true, env: { MFA_REQUIRED_ROLES: 'none' } });
});
afterAll(() => t.close());

let n = 0;
const address = (prefix: string) => `${prefix}${++n}-${Date.now()}@example.com`;
/** The CSRF token of the last page a client got (forms carry it, as a browser sends them). */
const formToken = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1];

/** Opens the sign-in page (with `next`) and signs in with the password; the answer to the post. */
async function signInFrom(next: string | undefined, email: string, client?: SessionClient) {
  const browser = client ?? (await new SessionClient(t.app).start());
  const page = await browser.get(next === undefined ? '/login' : `/login?next=${encodeURIComponent(next)}`);
  expect(page.statusCode).toBe(200);
  browser.csrfToken = formToken(page.body);
  return { browser, res: await browser.post('/login', { email, password: TEST_PASSWORD }) };
}

describe('where sign-in lands', () => {
  it('follows /login?next= after a password', async () => {
    const agent = await createUser(t, ['agent']);
    const { res } = await signInFrom('/inbox/SB-1?view=mine', agent.email);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/inbox/SB-1?view=mine');
  });

  it('without a path, lands on the role’s home: the inbox for agents, My tickets for customers', async () => {
    const agent = await createUser(t, ['agent']);
    expect((await signInFrom(undefined, agent.email)).res.headers.location).toBe('/inbox');
    const customer = await createUser(t, ['customer']);
    expect((await signInFrom(undefined, customer.email)).res.headers.location).toBe('/tickets');
  });

  it.each([
    '//evil.example/inbox',
    'https://evil.example/inbox',
    '/\\evil.example',
    '/\t/evil.example',
    'javascript:alert(1)',
    '/%2F%2Fevil.example',
  ])('never leaves the site for next=%s', async (next) => {
    const customer = await createUser(t, ['customer']);
    const { res } = await signInFrom(next, customer.email);
    expect(res.statusCode).toBe(303);
    const location = String(res.headers.location);
    expect(location.startsWith('/')).toBe(true);
    expect(location.startsWith('//')).toBe(false);
    expect(location).not.toContain('evil.example');
  });

  it('follows the path after a magic link opened in the same browser', async () => {
    const customer = await createUser(t, ['customer']);
    const browser = await new SessionClient(t.app).start();
    const page = await browser.get(`/login?next=${encodeURIComponent('/tickets/SB-7')}`);
    browser.csrfToken = formToken(page.body);
    const asked = await browser.post('/login/magic', { email: customer.email });
    expect(asked.statusCode).toBe(200);
    const token = tokenFrom((await mailTo(t, customer.email))[0]!, '/auth/magic');
    browser.csrfToken = formToken((await browser.get(`/auth/magic?token=${token}`)).body);
    const signedIn = await browser.post('/auth/magic', { token });
    expect(signedIn.statusCode).toBe(303);
    expect(signedIn.headers.location).toBe('/tickets/SB-7');
  });

  it('follows the path after the second factor (TOTP)', async () => {
    const agent = await createUser(t, ['agent']);
    const { browser } = await signInFrom(undefined, agent.email);
    const setup = await browser.get('/api/v1/auth/csrf');
    expect(setup.statusCode).toBe(200);
    const started = await browser.post('/api/v1/me/mfa/totp');
    const { factorId, secret } = started.json() as { factorId: string; secret: string };
    const at = Date.now();
    const confirmed = await browser.post('/api/v1/me/mfa/totp/confirm', {
      factorId,
      code: totpCode(secret, at),
    });
    expect(confirmed.statusCode).toBe(200);

    const again = await new SessionClient(t.app).start();
    const first = await signInFrom('/inbox/SB-2', agent.email, again);
    expect(first.res.headers.location).toBe('/mfa');
    again.csrfToken = formToken((await again.get('/mfa')).body);
    const done = await again.post('/mfa', { code: totpCode(secret, at + 30_000) });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/inbox/SB-2');
  });
});

describe('confirming the address', () => {
  /** Signs up on the web page (in `browser`, a new one by default); the browser and the link's token. */
  async function signUp(email: string, client?: SessionClient) {
    const browser = client ?? (await new SessionClient(t.app).start());
    browser.csrfToken = formToken((await browser.get('/signup')).body);
    const res = await browser.post('/signup', { email, displayName: 'Nadia', password: TEST_PASSWORD });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('data-testid="resend"');
    const token = tokenFrom((await mailTo(t, email))[0]!, '/auth/verify');
    return { browser, token };
  }

  it('signs in the browser that signed up, and lands on the remembered path', async () => {
    const email = address('same');
    const browser = await new SessionClient(t.app).start();
    await browser.get(`/login?next=${encodeURIComponent('/tickets/new')}`);
    const { token } = await signUp(email, browser);
    browser.csrfToken = formToken((await browser.get(`/auth/verify?token=${token}`)).body);
    const confirmed = await browser.post('/auth/verify', { token });
    expect(confirmed.statusCode).toBe(303);
    expect(confirmed.headers.location).toBe('/tickets/new');
    const me = await browser.get('/api/v1/me');
    expect(me.json()).toMatchObject({ email, status: 'active' });
  });

  it('in another browser, confirms and asks to sign in', async () => {
    const email = address('other');
    const { token } = await signUp(email);
    const elsewhere = await new SessionClient(t.app).start();
    elsewhere.csrfToken = formToken((await elsewhere.get(`/auth/verify?token=${token}`)).body);
    const confirmed = await elsewhere.post('/auth/verify', { token, password: TEST_PASSWORD });
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.body).toContain('Email confirmed');
    expect((await elsewhere.get('/api/v1/me')).statusCode).toBe(401);
  });

  it('a refused sign-in of an unconfirmed account offers to send the link again, which sends one', async () => {
    const email = address('resend');
    await signUp(email);
    const { browser, res } = await signInFrom(undefined, email);
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('action="/signup/resend"');
    browser.csrfToken = formToken(res.body);
    const before = (await mailTo(t, email, 2)).length;
    const resent = await browser.post('/signup/resend', { email });
    expect(resent.statusCode).toBe(200);
    await mailTo(t, email, before + 1);
  });

  it('hammering "send again" gets 429, the same for an address with and without an account', async () => {
    const pending = address('hammer');
    await signUp(pending);
    const statuses = async (email: string) => {
      const browser = await new SessionClient(t.app).start();
      browser.csrfToken = formToken((await browser.get('/login')).body);
      const seen: number[] = [];
      const bodies = new Set<string>();
      for (let i = 0; i < 8; i++) {
        const res = await browser.post('/signup/resend', { email });
        seen.push(res.statusCode);
        bodies.add(res.body.replace(/value="[^"]*"/g, '').replace(/\d+ seconds/g, 'N seconds'));
      }
      return { seen, bodies: bodies.size };
    };
    const known = await statuses(pending);
    const unknown = await statuses(address('nobody'));
    expect(known.seen).toEqual(unknown.seen);
    expect(known.seen.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(known.seen.slice(5)).toEqual([429, 429, 429]);
    expect(known.bodies).toBe(unknown.bodies);
  });
});

describe('TOTP set-up that forgives', () => {
  it('a wrong code shows the same secret again; the right one enrols that secret; codes download once', async () => {
    const customer = await createUser(t, ['customer']);
    const { browser, res } = await signInFrom(undefined, customer.email);
    expect(res.statusCode).toBe(303);
    // A fresh password confirmation is part of a sign-in, so the security page lets us add a factor.
    const security = await browser.get('/account/security');
    browser.csrfToken = formToken(security.body);
    const started = await browser.post('/account/security/totp');
    const secret = /data-testid="totp-secret">([A-Z2-7]+)</.exec(started.body)![1]!;
    const factorId = /name="factorId" value="([^"]+)"/.exec(started.body)![1]!;
    const wrong = String((Number(totpCode(secret)) + 500_000) % 1_000_000).padStart(6, '0');
    const refused = await browser.post('/account/security/totp/confirm', { factorId, code: wrong });
    expect(refused.statusCode).toBe(401);
    expect(refused.body).toContain(`data-testid="totp-secret">${secret}<`);
    expect(refused.body).toContain(`value="${factorId}"`);
    expect(refused.body).toContain('<svg');

    const enrolled = await browser.post('/account/security/totp/confirm', {
      factorId,
      code: totpCode(secret),
    });
    expect(enrolled.statusCode).toBe(200);
    expect(enrolled.body).toContain('href="/account/security/continue"');
    const codes = [...enrolled.body.matchAll(/<li class="code">([^<]+)<\/li>/g)].map((m) => m[1]);
    expect(codes).toHaveLength(10);

    const file = await browser.get('/account/security/backup-codes.txt');
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toMatch(/^text\/plain/);
    expect(file.headers['content-disposition']).toMatch(/^attachment/);
    expect(file.headers['cache-control']).toBe('no-store');
    for (const code of codes) expect(file.body).toContain(code);
    // Another session of the same person cannot fetch them.
    const other = await signInFrom(undefined, customer.email);
    expect((await other.browser.get('/account/security/backup-codes.txt')).statusCode).toBe(404);

    const onward = await browser.get('/account/security/continue');
    expect(onward.statusCode).toBe(303);
    expect(onward.headers.location).toBe('/tickets');
    const factors = await t.platform.database.db
      .selectFrom('mfa_factors')
      .select(['id', 'confirmed_at'])
      .where('user_id', '=', customer.id)
      .execute();
    expect(factors.filter((f) => f.confirmed_at).map((f) => f.id)).toEqual([factorId]);
  });
});

describe('profile language and time zone', () => {
  it('saves a choice, and Automatic (browser) saves null', async () => {
    const customer = await createUser(t, ['customer']);
    const { browser } = await signInFrom(undefined, customer.email);
    const account = await browser.get('/account');
    expect(account.body).toContain('Automatic (browser)');
    browser.csrfToken = formToken(account.body);
    const chosen = await browser.post('/account/profile', {
      displayName: 'Anna',
      locale: 'nl',
      timeZone: 'Europe/Amsterdam',
    });
    expect(chosen.statusCode).toBe(200);
    expect(chosen.body).toContain('<html lang="nl"');
    expect(chosen.body).toContain('Je profiel is opgeslagen.');
    const row = () =>
      t.platform.database.db
        .selectFrom('users')
        .select(['locale', 'time_zone'])
        .where('id', '=', customer.id)
        .executeTakeFirstOrThrow();
    expect(await row()).toEqual({ locale: 'nl', time_zone: 'Europe/Amsterdam' });
    const automatic = await browser.post('/account/profile', {
      displayName: 'Anna',
      locale: '',
      timeZone: '',
    });
    expect(automatic.statusCode).toBe(200);
    expect(await row()).toEqual({ locale: null, time_zone: null });
    const unknown = await browser.post('/account/profile', {
      displayName: 'Anna',
      locale: 'xx',
      timeZone: '',
    });
    expect(unknown.statusCode).toBe(400);
  });
});

describe('Dutch', () => {
  it('a Dutch browser gets the Dutch sign-in page before signing in', async () => {
    const page = await t.app.inject({
      method: 'GET',
      url: '/login',
      headers: { accept: 'text/html', 'accept-language': 'nl-NL,nl;q=0.9,en;q=0.5' },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<html lang="nl"');
    expect(page.body).toMatch(/<h1[^>]*>Inloggen<\/h1>/);
    expect(page.body).toContain('Wachtwoord vergeten?');
  });

  it('refuses a weak password on the Dutch sign-up page in Dutch', async () => {
    const browser = await new SessionClient(t.app).start();
    const dutch = { 'accept-language': 'nl' };
    browser.csrfToken = formToken((await browser.request('GET', '/signup', undefined, dutch)).body);
    const res = await browser.request(
      'POST',
      '/signup',
      { email: address('kort'), displayName: 'Kees', password: 'kort' },
      dutch,
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Gebruik minstens 12 tekens.');
  });

  it('mails a user whose profile says nl in Dutch', async () => {
    const user = await createUser(t, ['customer']);
    await t.platform.database.db
      .updateTable('users')
      .set({ locale: 'nl' })
      .where('id', '=', user.id)
      .execute();
    const browser = await new SessionClient(t.app).start();
    browser.csrfToken = formToken((await browser.get('/login')).body);
    await browser.post('/login/magic', { email: user.email });
    const [mail] = await mailTo(t, user.email);
    expect(mail!.subject).toBe('Je inloglink');
    expect(mail!.body_text).toContain('Met deze link log je in bij Switchboard.');
  });

  it('writes a security notice in the reader’s language', () => {
    const mail = renderMail(
      'security-notice',
      { name: 'Anna', headline: 'x', details: [] },
      { locale: 'nl' },
    );
    expect(mail.text).toContain('Hallo Anna,');
  });
});
