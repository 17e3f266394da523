import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, signInAs } from '../support/actors.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import type { SessionClient } from '../support/session-client.js';

/**
 * Issue 18: a signed-in customer's ticket list page is rendered once per version of the kept list
 * (web/viewer-pages.ts) and sent again to the same viewer, each session with its own form token.
 * The attacks: another customer, a second session, a changed ticket, a changed name or language,
 * a signed-out session must never see a kept render that is not theirs or is stale.
 */
let t: TestApp;
let ada: SessionClient;
let adaAgain: SessionClient;
let bob: SessionClient;

const page = { accept: 'text/html' };
const cookieOf = (client: SessionClient) => [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
const hits = () => t.app.viewerPages.hits;
const tokenIn = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
const listPage = async (client: SessionClient, url = '/tickets') => {
  const res = await client.request('GET', url, undefined, page);
  expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
  return res.body;
};

beforeAll(async () => {
  t = await buildTestApp({ env: { MFA_REQUIRED_ROLES: 'none', TICKET_LIST_CACHE_SECONDS: '120' } });
  const a = await createUser(t, ['customer']);
  const b = await createUser(t, ['customer']);
  ada = await signInAs(t.app, a.email);
  adaAgain = await signInAs(t.app, a.email);
  bob = await signInAs(t.app, b.email);
  await ada.post('/api/v1/tickets', { subject: 'Ada printer jam', body: 'Paper stuck.' });
  await bob.post('/api/v1/tickets', { subject: 'Bob lost VPN', body: 'No tunnel.' });
});
afterAll(() => t.close());

describe('the ticket list page, rendered once per list version', () => {
  it('is sent again from its render, with each session its own form token', async () => {
    const first = await listPage(ada);
    const before = hits();
    const second = await listPage(ada);
    expect(hits()).toBe(before + 1);
    expect(second).toBe(first);
    const other = await listPage(adaAgain);
    expect(hits()).toBe(before + 2);
    expect(tokenIn(first)).toBe(ada.csrfToken);
    expect(tokenIn(other)).toBe(adaAgain.csrfToken);
    expect(tokenIn(other)).not.toBe(tokenIn(first));
    expect(other.replaceAll(tokenIn(other)!, 'T')).toBe(first.replaceAll(tokenIn(first)!, 'T'));
  });

  it('never gives one customer the render of another', async () => {
    await listPage(ada);
    const bobs = await listPage(bob);
    expect(bobs).toContain('Bob lost VPN');
    expect(bobs).not.toContain('Ada printer jam');
    expect(await listPage(ada)).not.toContain('Bob lost VPN');
  });

  it('shows a changed ticket on the very next load', async () => {
    await listPage(ada);
    await ada.post('/api/v1/tickets', { subject: 'Ada monitor flicker', body: 'Blinks.' });
    expect(await listPage(ada)).toContain('Ada monitor flicker');
  });

  it('renders anew for a changed name or language, and per URL', async () => {
    const before = await listPage(ada);
    const renamed = await ada.request('PATCH', '/api/v1/me', { displayName: 'Ada Renamed' });
    expect(renamed.statusCode, renamed.body).toBe(200);
    const after = await listPage(ada);
    expect(before).not.toContain('Ada Renamed');
    expect(after).toContain('Ada Renamed');
    const active = await listPage(ada, '/tickets?state=active');
    expect(active).toContain('Ada printer jam');
    expect(active).not.toBe(after);
    const dutch = await ada.request('GET', '/tickets', undefined, {
      ...page,
      cookie: `${cookieOf(ada)}; sb_lang=nl`,
    });
    expect(dutch.body).toContain('<html lang="nl"');
    expect(dutch.body).toContain('Ada Renamed');
    expect(await listPage(ada)).toContain('<html lang="en"');
  });

  it('is never sent after sign-out', async () => {
    await listPage(adaAgain);
    expect((await adaAgain.post('/api/v1/auth/logout')).statusCode).toBeLessThan(300);
    const after = await adaAgain.request('GET', '/tickets', undefined, page);
    expect(after.body).not.toContain('Ada printer jam');
    expect([302, 303, 401]).toContain(after.statusCode);
  });
});
