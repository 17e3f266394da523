import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSignedIn } from '../../../test/support/actors.js';
import { buildTestApp, type TestApp } from '../../../test/support/app.js';
import { mailTo, tokenFrom } from '../../../test/support/outbox.js';
import { SessionClient } from '../../../test/support/session-client.js';
import { totpCode } from '../../../test/support/totp.js';
import { waitFor } from '../../../test/support/wait.js';
import { outboxIsOpen } from './access.js';
import { withTopLevelLinks } from './mail-frame.js';

describe('dev outbox pages and API on a laptop instance', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ runsJobs: true });
  });
  afterAll(() => t.close());

  // A browser on this machine: loopback peer (inject's default) and PUBLIC_URL's host.
  const host = 'localhost:3000';
  const page = (url: string) => t.app.inject({ method: 'GET', url, headers: { accept: 'text/html', host } });

  it('lists a queued mail, shows both parts, and serves the HTML part sandboxed', async () => {
    const url = 'https://help.acme.test/auth/magic?token=tok&x=1';
    await t.platform.database.db
      .transaction()
      .execute((trx) =>
        t.platform.mail.queue(trx, 'ada@example.com', 'magic-link', { name: 'Ada <b>', url }),
      );
    let list = await page('/admin/outbox');
    await waitFor(
      async () => {
        list = await page('/admin/outbox');
        return list.body.includes('ada@example.com');
      },
      15_000,
      'the mail in the outbox',
    );
    expect(list.statusCode).toBe(200);
    expect(list.headers['cache-control']).toBe('no-store');
    const href = /href="(\/admin\/outbox\/[0-9a-f-]{36})">Your sign-in link</.exec(list.body)?.[1];
    expect(href).toBeDefined();

    const message = await page(href!);
    expect(message.statusCode).toBe(200);
    expect(message.body).toContain(`src="${href}/html"`);
    expect(message.body).toContain(
      'sandbox="allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation"',
    );
    expect(message.body).toContain(
      '<a class="link" href="https://help.acme.test/auth/magic?token=tok&amp;x=1">',
    );
    expect(message.body).toContain('Hello Ada &lt;b&gt;,');
    // The page keeps the site's policy: no inline style, no inline script.
    expect(message.headers['content-security-policy']).toContain("style-src 'self'");

    const html = await page(`${href}/html`);
    expect(html.statusCode).toBe(200);
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html.headers['content-security-policy']).toMatch(/(^|; )sandbox allow-popups /);
    expect(html.headers['content-security-policy']).toContain("default-src 'none'");
    expect(html.headers['content-security-policy']).toContain("frame-ancestors 'self'");
    expect(html.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(html.body).toContain('<base target="_top">');
    expect(html.body).toContain('Ada &lt;b&gt;');
  });

  it('a text message has no HTML part', async () => {
    const [row] = await t.platform.database.db
      .insertInto('outbox_messages')
      .values({
        channel: 'sms',
        recipient: '+31612345678',
        subject: null,
        body_text: 'Code 123456',
        body_html: null,
      })
      .returning('id')
      .execute();
    const message = await page(`/admin/outbox/${row!.id}`);
    expect(message.body).toContain('Code 123456');
    expect(message.body).not.toContain('<iframe');
    expect((await page(`/admin/outbox/${row!.id}/html`)).statusCode).toBe(404);
    expect((await page('/admin/outbox/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
  });

  it('the JSON API pages through every message once, newest first, also within one microsecond', async () => {
    const { db } = t.platform.database;
    await sql`delete from outbox_messages`.execute(db);
    // Three rows share a timestamp and two differ below a millisecond: JavaScript dates would merge them.
    const stamps = [
      '2026-11-20 10:00:00.123456+00',
      '2026-11-20 10:00:00.123456+00',
      '2026-11-20 10:00:00.123456+00',
      '2026-11-20 10:00:00.123100+00',
      '2026-11-20 10:00:00.123900+00',
      '2026-11-19 08:00:00+00',
      '2026-11-21 08:00:00+00',
    ];
    for (const [i, at] of stamps.entries()) {
      await sql`insert into outbox_messages (channel, recipient, subject, body_text, body_html, created_at)
        values (${i % 3 === 0 ? 'sms' : 'email'}, ${`r${i}@example.com`}, ${i % 3 === 0 ? null : `S${i}`}, 'b', null, ${at}::timestamptz)`.execute(
        db,
      );
    }
    const expected = (
      await sql<{ id: string }>`select id from outbox_messages order by created_at desc, id desc`.execute(db)
    ).rows.map((r) => r.id);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await t.app.inject({
        method: 'GET',
        headers: { host },
        url: `/api/v1/admin/outbox?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      });
      expect(response.statusCode).toBe(200);
      const body = response.json() as {
        items: { id: string; createdAt: string }[];
        nextCursor: string | null;
      };
      expect(body.items.length).toBeLessThanOrEqual(2);
      seen.push(...body.items.map((m) => m.id));
      cursor = body.nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual(expected);
    expect(pages).toBe(4);

    const sms = (
      await t.app.inject({ method: 'GET', headers: { host }, url: '/api/v1/admin/outbox?channel=sms' })
    ).json();
    expect(sms.items.map((m: { channel: string }) => m.channel)).toEqual(['sms', 'sms', 'sms']);
    expect(sms.items[0]).toMatchObject({ recipient: 'r6@example.com', subject: null });
    expect(sms.nextCursor).toBeNull();

    const one = await t.app.inject({
      method: 'GET',
      headers: { host },
      url: `/api/v1/admin/outbox/${expected[0]}`,
    });
    expect(one.json()).toMatchObject({ id: expected[0], bodyText: 'b', bodyHtml: null });
    const bad = await t.app.inject({
      method: 'GET',
      headers: { host },
      url: '/api/v1/admin/outbox?limit=500',
    });
    expect(bad.statusCode).toBe(400);
  });

  it('is in the OpenAPI document under the admin tag', async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(document.paths['/api/v1/admin/outbox'].get.tags).toEqual(['admin']);
  });
});

describe('the dev outbox of a laptop instance is for that machine only', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ env: { MFA_REQUIRED_ROLES: 'none' } });
  });
  afterAll(() => t.close());

  const HOST = 'localhost:3000';
  const read = (remoteAddress: string, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'GET',
      url: '/api/v1/admin/outbox',
      remoteAddress,
      headers: { host: HOST, ...headers },
    });

  it("is open to a loopback peer that names PUBLIC_URL's host", async () => {
    for (const peer of ['127.0.0.1', '127.0.0.2', '::1', '::ffff:127.0.0.1'])
      expect((await read(peer)).statusCode, peer).toBe(200);
    expect((await read('127.0.0.1', { host: 'LOCALHOST:3000' })).statusCode).toBe(200);
  });

  it.each([
    'rebind.attacker.example:3000',
    'rebind.attacker.example',
    'localhost',
    'localhost:80',
    '127.0.0.1:3000',
    'localhost:3000.attacker.example',
  ])('refuses Host %s (a DNS-rebinding page), as for a stranger', async (host) => {
    const api = await read('127.0.0.1', { host });
    expect(api.statusCode).toBe(401);
    expect(api.body).not.toContain('items');
    const page = await t.app.inject({
      method: 'GET',
      url: '/admin/outbox',
      remoteAddress: '127.0.0.1',
      headers: { host, accept: 'text/html' },
    });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/login?next=%2Fadmin%2Foutbox');
  });

  it('refuses a request without a Host header', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/admin/outbox', headers: { host: '' } });
    expect(res.statusCode).toBe(401);
  });

  it.each(['192.0.2.10', '10.0.0.5', '::ffff:10.0.0.5', '2001:db8::1', '0.0.0.0'])(
    'refuses the network peer %s even with the right Host',
    async (peer) => {
      expect((await read(peer)).statusCode).toBe(401);
      expect(
        (
          await t.app.inject({
            method: 'GET',
            url: '/admin/outbox/00000000-0000-4000-8000-000000000000/html',
            remoteAddress: peer,
            headers: { host: HOST },
          })
        ).statusCode,
      ).toBe(401);
    },
  );

  it('does not believe X-Forwarded-For from an untrusted peer', async () => {
    expect((await read('192.0.2.10', { 'x-forwarded-for': '127.0.0.1' })).statusCode).toBe(401);
  });

  it('is open to a signed-in administrator from anywhere, and to nobody else who is signed in', async () => {
    const { client: admin } = await createSignedIn(t, ['admin']);
    expect(
      (await admin.request('GET', '/api/v1/admin/outbox', undefined, { host: 'help.example.com' }))
        .statusCode,
    ).toBe(200);
    const { client: customer } = await createSignedIn(t, ['customer']);
    expect(
      (await customer.request('GET', '/api/v1/admin/outbox', undefined, { host: 'evil.example' })).statusCode,
    ).toBe(403);
  });
});

describe('the dev outbox behind a trusted proxy on the same machine', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ env: { TRUST_PROXY: '127.0.0.1' } });
  });
  afterAll(() => t.close());

  it('is refused to the client the proxy names when that client is not loopback', async () => {
    const through = (forwardedFor: string) =>
      t.app.inject({
        method: 'GET',
        url: '/api/v1/admin/outbox',
        remoteAddress: '127.0.0.1',
        headers: { host: 'localhost:3000', 'x-forwarded-for': forwardedFor },
      });
    expect((await through('203.0.113.7')).statusCode).toBe(401);
    expect((await through('127.0.0.1')).statusCode).toBe(200);
  });
});

describe('dev outbox on a server reached by name', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ runsJobs: true, env: { PUBLIC_URL: 'http://help.example.com' } });
  });
  afterAll(() => t.close());

  const PASSWORD = 'tangerine-orbit-41';
  async function signedIn(email: string, admin: boolean): Promise<SessionClient> {
    const client = await new SessionClient(t.app).start();
    await client.post('/api/v1/auth/signup', { email, password: PASSWORD, displayName: 'Grace Hopper' });
    const [mail] = await mailTo(t, email);
    await client.post('/api/v1/auth/verify-email', { token: tokenFrom(mail!, '/auth/verify') });
    if (admin)
      await sql`update users set roles = '{admin}' where email = ${email}`.execute(t.platform.database.db);
    const login = await client.post('/api/v1/auth/login', { email, password: PASSWORD });
    expect(login.statusCode).toBe(200);
    if (login.json().mfa === 'enroll') {
      const { factorId, secret } = (await client.post('/api/v1/me/mfa/totp')).json();
      const confirm = await client.post('/api/v1/me/mfa/totp/confirm', { factorId, code: totpCode(secret) });
      expect(confirm.statusCode).toBe(200);
    }
    return client;
  }

  it('is for signed-in administrators only', async () => {
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/admin/outbox?limit=oops' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['content-type']).toContain('application/problem+json');
    const anonymousPage = await t.app.inject({
      method: 'GET',
      url: '/admin/outbox',
      headers: { accept: 'text/html' },
    });
    // A browser is sent to sign in first.
    expect(anonymousPage.statusCode).toBe(303);
    expect(anonymousPage.headers.location).toBe('/login?next=%2Fadmin%2Foutbox');
    expect(anonymousPage.body).not.toContain('/auth/verify?token=');

    const customer = await signedIn(`customer-${Date.now()}@example.com`, false);
    expect((await customer.get('/api/v1/admin/outbox')).statusCode).toBe(403);
    expect((await customer.get('/admin/outbox')).statusCode).toBe(403);

    const admin = await signedIn(`admin-${Date.now()}@example.com`, true);
    const list = await admin.get('/api/v1/admin/outbox');
    expect(list.statusCode).toBe(200);
    expect(list.json().items.length).toBeGreaterThan(0);
    expect((await admin.get('/admin/outbox')).statusCode).toBe(200);
  });
});

describe('when the outbox is open without signing in', () => {
  it.each([
    ['development', 'http://localhost:3000', true],
    ['test', 'http://127.0.0.1:41234', true],
    ['development', 'http://[::1]:3000', true],
    ['development', 'http://switchboard.localhost', true],
    ['production', 'http://localhost:3000', false],
    ['development', 'https://help.example.com', false],
    ['development', 'http://localhost.example.com', false],
  ] as const)('NODE_ENV=%s PUBLIC_URL=%s → %s', (env, url, open) => {
    expect(outboxIsOpen({ NODE_ENV: env, PUBLIC_URL: url })).toBe(open);
  });
});

describe('links in a stored mail leave the frame', () => {
  it('adds <base target="_top"> inside <head>, or in front when there is none', () => {
    expect(withTopLevelLinks('<!doctype html><html><head lang="x"><title>t</title></head></html>')).toBe(
      '<!doctype html><html><head lang="x"><base target="_top"><title>t</title></head></html>',
    );
    expect(withTopLevelLinks('<p>hi</p>')).toBe('<base target="_top"><p>hi</p>');
    expect(withTopLevelLinks('<header>x</header>')).toBe('<base target="_top"><header>x</header>');
  });
});
