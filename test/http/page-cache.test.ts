import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgePages } from '../../src/web/web-plugin.js';
import { createSignedIn } from '../support/actors.js';
import { buildTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ env: { MFA_REQUIRED_ROLES: 'none' } });
});
afterAll(() => t.close());

const html = { accept: 'text/html' };
const tokensIn = (body: string) => [...body.matchAll(/name="_csrf" value="([^"]*)"/g)].map((m) => m[1]);
const preSession = (res: { cookies: { name: string; value: string }[] }) =>
  res.cookies.find((c) => c.name === 'sb_pre')?.value;

describe('kept public pages', () => {
  it('renders the home page once for everyone, each visitor with a form token of their own', async () => {
    t.app.pageCache.purge();
    const first = await t.app.inject({ url: '/', headers: html });
    const second = await t.app.inject({ url: '/', headers: html });
    expect(t.app.pageCache.size).toBe(1);
    const [a, b] = [tokensIn(first.body), tokensIn(second.body)];
    expect(a.length).toBeGreaterThan(0);
    expect(new Set(a).size).toBe(1);
    expect(a[0]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(b[0]).not.toBe(a[0]);
    // Everything but the tokens is the same page.
    expect(first.body.replaceAll(a[0]!, '')).toBe(second.body.replaceAll(b[0]!, ''));
    expect(first.body).not.toMatch(/sbtoken[0-9a-f]{24}/);
    // A new visitor's answer sets their pre-session cookie, so no cache may keep it.
    expect(preSession(first)).toBeDefined();
    expect(first.headers['cache-control']).toBe('no-store');
  });

  it('gives a returning visitor the token of their own cookie, which the switch then accepts', async () => {
    const first = await t.app.inject({ url: '/', headers: html });
    const cookie = `sb_pre=${preSession(first)}`;
    const again = await t.app.inject({ url: '/', headers: { ...html, cookie } });
    expect(tokensIn(again.body)[0]).toBe(tokensIn(first.body)[0]);
    const switched = await t.app.inject({
      method: 'POST',
      url: '/preferences',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${tokensIn(again.body)[0]}&locale=nl&back=/`,
    });
    expect(switched.statusCode).toBe(303);
    // Another visitor's token from the same kept page is worth nothing with this cookie.
    const other = tokensIn((await t.app.inject({ url: '/', headers: html })).body)[0];
    const forged = await t.app.inject({
      method: 'POST',
      url: '/preferences',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${other}&locale=nl&back=/`,
    });
    expect(forged.statusCode).toBe(403);
  });

  it('answers 304 to a browser whose copy is current, and the page again once it changed', async () => {
    const first = await t.app.inject({ url: '/', headers: html });
    const cookie = `sb_pre=${preSession(first)}`;
    const kept = await t.app.inject({ url: '/', headers: { ...html, cookie } });
    expect(kept.headers['cache-control']).toBe('private, no-cache');
    const etag = kept.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+\.[\w-]+"$/);
    const revalidated = await t.app.inject({ url: '/', headers: { ...html, cookie, 'if-none-match': etag } });
    expect(revalidated.statusCode).toBe(304);
    expect(revalidated.body).toBe('');
    // Another visitor's tag never matches this one's page (it holds a different token).
    const stranger = await t.app.inject({ url: '/', headers: { ...html, 'if-none-match': etag } });
    expect(stranger.statusCode).toBe(200);
    // Dutch is another page with another tag.
    const dutch = await t.app.inject({
      url: '/',
      headers: { ...html, cookie, 'accept-language': 'nl', 'if-none-match': etag },
    });
    expect(dutch.statusCode).toBe(200);
    expect(dutch.body).toContain('<html lang="nl"');
  });

  it('renders the page afresh for whoever is signed in, with their name, and never keeps it', async () => {
    t.app.pageCache.purge();
    const customer = await createSignedIn(t, ['customer']);
    const page = await customer.client.request('GET', '/', undefined, html);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-signed-in');
    expect(t.app.pageCache.size).toBe(0);
    const anonymous = await t.app.inject({ url: '/', headers: html });
    expect(anonymous.body).not.toContain('data-signed-in');
  });

  it('drops every kept page on purge, and keeps no page for a very long URL', async () => {
    await t.app.inject({ url: '/', headers: html });
    expect(t.app.pageCache.size).toBeGreaterThan(0);
    await purgePages(t.app);
    expect(t.app.pageCache.size).toBe(0);
    const long = await t.app.inject({ url: `/?${'x'.repeat(400)}`, headers: html });
    expect(long.statusCode).toBe(200);
    expect(t.app.pageCache.size).toBe(0);
  });
});

/** Headers any two answers differ in, or that hold the visitor's own token. */
const PER_ANSWER = new Set(['date', 'x-request-id', 'etag', 'set-cookie']);
const comparable = (headers: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !PER_ANSWER.has(name)));

describe('kept pages answered before the session lookup', () => {
  it('answers a kept page early with the headers and body the rendering path sends', async () => {
    t.app.pageCache.purge();
    const rendered = await t.app.inject({ url: '/', headers: html });
    const before = t.app.pageCache.earlyAnswers;
    const early = await t.app.inject({ url: '/', headers: html });
    expect(t.app.pageCache.earlyAnswers).toBe(before + 1);
    expect(comparable(early.headers)).toEqual(comparable(rendered.headers));
    expect(early.headers['content-security-policy']).toContain("script-src 'self'");
    expect(early.body.replaceAll(tokensIn(early.body)[0]!, '')).toBe(
      rendered.body.replaceAll(tokensIn(rendered.body)[0]!, ''),
    );
  });

  it('leaves to the full path whoever carries a session cookie, credentials, or asks for a fragment', async () => {
    await t.app.inject({ url: '/', headers: html });
    const before = t.app.pageCache.earlyAnswers;
    const stale = await t.app.inject({ url: '/', headers: { ...html, cookie: 'sb_session=gone' } });
    expect(stale.statusCode).toBe(200);
    await t.app.inject({ url: '/', headers: { ...html, authorization: 'Bearer x' } });
    await t.app.inject({ url: '/', headers: { ...html, 'hx-request': 'true' } });
    await t.app.inject({ url: '/', headers: { accept: 'application/json' } });
    await t.app.inject({ method: 'HEAD', url: '/', headers: html });
    expect(t.app.pageCache.earlyAnswers).toBe(before);
  });

  it('compresses an early answer for a browser that asks, as any page', async () => {
    await t.app.inject({ url: '/', headers: html });
    const before = t.app.pageCache.earlyAnswers;
    const zipped = await t.app.inject({ url: '/', headers: { ...html, 'accept-encoding': 'gzip' } });
    expect(t.app.pageCache.earlyAnswers).toBe(before + 1);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(zipped.rawPayload).toString()).toContain('<html lang="en"');
  });

  it('still sends a plain-http request to https first when PUBLIC_URL is https', async () => {
    const secure = await buildTestApp({
      env: { PUBLIC_URL: 'https://help.example.com', TRUST_PROXY: 'true' },
    });
    try {
      const proxied = { ...html, 'x-forwarded-proto': 'https' };
      expect((await secure.app.inject({ url: '/', headers: proxied })).statusCode).toBe(200);
      expect((await secure.app.inject({ url: '/', headers: proxied })).statusCode).toBe(200);
      expect(secure.app.pageCache.earlyAnswers).toBe(1);
      const plain = await secure.app.inject({ url: '/', headers: html });
      expect(plain.statusCode).toBe(308);
      expect(plain.headers.location).toBe('https://help.example.com/');
      expect(secure.app.pageCache.earlyAnswers).toBe(1);
      const early = await secure.app.inject({ url: '/', headers: proxied });
      expect(early.headers['strict-transport-security']).toMatch(/max-age=63072000/);
      expect(String(early.headers['set-cookie'])).toMatch(/^__Host-sb_pre=.*Secure/);
    } finally {
      await secure.close();
    }
  });
});
