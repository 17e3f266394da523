import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localPath } from '../../src/identity/return-to.js';
import { TEST_PASSWORD } from '../support/accounts.js';
import { createUser } from '../support/actors.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { SessionClient } from '../support/session-client.js';

/** Issue 15, low items: caching of private answers, sign-out, and where a sign-in may send you. */
let t: TestApp;
let email: string;
beforeAll(async () => {
  t = await buildTestApp({ env: { MFA_REQUIRED_ROLES: 'none' } });
  email = (await createUser(t, ['customer'])).email;
});
afterAll(() => t.close());

const html = { accept: 'text/html' };

async function signedIn(): Promise<SessionClient> {
  const client = await new SessionClient(t.app).start();
  const login = await client.post('/api/v1/auth/login', { email, password: TEST_PASSWORD });
  expect(login.statusCode).toBe(200);
  // The sign-in answer itself carries the new session: nobody may keep it.
  expect(login.headers['cache-control']).toBe('no-store');
  return client;
}

describe('answers for one person are never cached', () => {
  it('signed-in pages and API answers with a session send no-store', async () => {
    const client = await signedIn();
    expect((await client.get('/api/v1/me')).headers['cache-control']).toBe('no-store');
    expect((await client.request('GET', '/account', undefined, html)).headers['cache-control']).toBe(
      'no-store',
    );
    // Also refusals and not-found answers given to a signed-in visitor.
    expect(
      (await client.get('/api/v1/tickets/00000000-0000-4000-8000-000000000000')).headers['cache-control'],
    ).toBe('no-store');
  });

  it('API answers to a bearer send no-store, whatever the token', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: 'Bearer not-a-real-token' },
    });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('the sign-in page form answer sends no-store', async () => {
    const client = await new SessionClient(t.app).start();
    const res = await client.request('POST', '/login', { email, password: TEST_PASSWORD }, html);
    expect(res.statusCode).toBe(303);
    expect(res.headers['cache-control']).toBe('no-store');
  });
});

describe('signing out', () => {
  it('tells the browser to clear the cache, cookies and storage (API and page)', async () => {
    const api = await (await signedIn()).post('/api/v1/auth/logout');
    expect(api.statusCode).toBe(204);
    expect(api.headers['clear-site-data']).toBe('"cache", "cookies", "storage"');
    expect(api.headers['cache-control']).toBe('no-store');
    const page = await (await signedIn()).request('POST', '/logout', {}, html);
    expect(page.statusCode).toBe(303);
    expect(page.headers['clear-site-data']).toBe('"cache", "cookies", "storage"');
  });

  it('other answers do not clear anything', async () => {
    const client = await signedIn();
    expect((await client.get('/api/v1/me')).headers['clear-site-data']).toBeUndefined();
  });
});

const OFF_SITE = [
  '\t//evil.example',
  '/\t/evil.example',
  '/\n/evil.example',
  '/\\evil.example',
  '/\\/evil.example',
  '//evil.example',
  '///evil.example',
  '/.//evil.example',
  '/..//evil.example',
  '%2F%2Fevil.example',
  'https://evil.example/',
  'http:evil.example',
  'javascript:alert(1)',
  ' /account',
  'evil.example',
  '',
];

describe('the return_to cookie after a sign-in', () => {
  it.each(OFF_SITE)('%j cannot send the browser off the site', async (value) => {
    const client = await new SessionClient(t.app).start();
    client.cookies.set('sb_return_to', encodeURIComponent(value));
    const res = await client.request('POST', '/login', { email, password: TEST_PASSWORD }, html);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/tickets'); // the customer's home, not the remembered value
  });

  it('a same-site path is followed', async () => {
    const client = await new SessionClient(t.app).start();
    client.cookies.set('sb_return_to', encodeURIComponent('/oauth/interaction/abc?x=1'));
    const res = await client.request('POST', '/login', { email, password: TEST_PASSWORD }, html);
    expect(res.headers.location).toBe('/oauth/interaction/abc?x=1');
  });
});

describe('localPath', () => {
  const origin = 'https://help.example.com';
  it.each(OFF_SITE)('refuses %j', (value) => {
    expect(localPath(value, origin)).toBeUndefined();
  });
  it.each([
    ['/account', '/account'],
    ['/oauth/interaction/x?a=1#b', '/oauth/interaction/x?a=1#b'],
    ['/%09/evil', '/%09/evil'],
    ['/%2F%2Fevil', '/%2F%2Fevil'],
    ['/a/../b', '/b'],
  ])('keeps %j as %j', (value, expected) => {
    expect(localPath(value, origin)).toBe(expected);
  });
});
