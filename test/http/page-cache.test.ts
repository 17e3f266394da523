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
