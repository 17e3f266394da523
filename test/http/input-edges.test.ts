import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSignedIn } from '../support/actors.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import type { SessionClient } from '../support/session-client.js';

/**
 * Issue 15, low items: a NUL byte anywhere in the input, and a multipart body cut short, are the
 * client's mistake (400 problem+json), never a 500 from PostgreSQL or the parser.
 */
let t: TestApp;
let customer: SessionClient;
beforeAll(async () => {
  t = await buildTestApp({ env: { MFA_REQUIRED_ROLES: 'none' } });
  ({ client: customer } = await createSignedIn(t, ['customer']));
});
afterAll(() => t.close());

type Answer = Awaited<ReturnType<SessionClient['get']>>;
function expectBadRequest(res: Answer, pointer?: string) {
  expect(res.statusCode, res.body).toBe(400);
  expect(res.headers['content-type']).toContain('application/problem+json');
  if (pointer) expect(res.json().errors).toContainEqual(expect.objectContaining({ pointer }));
}

describe('a NUL byte in the input', () => {
  it('in a JSON body (a new ticket, a sign-up) is a 400 that names the field', async () => {
    expectBadRequest(
      await customer.post('/api/v1/tickets', { subject: 'VPN\u0000down', body: 'It drops.' }),
      '/body/subject',
    );
    expectBadRequest(
      await customer.post('/api/v1/tickets', { subject: 'VPN down', body: 'a\u0000b' }),
      '/body/body',
    );
    const anonymous = await customer.post('/api/v1/auth/signup', {
      email: `nul-${Date.now()}@example.com`,
      password: 'tangerine-orbit-41',
      displayName: 'Ada\u0000',
    });
    expectBadRequest(anonymous, '/body/displayName');
  });

  it('in a JSON key, or deep inside an array, is refused too', async () => {
    expectBadRequest(await customer.post('/api/v1/tickets', { subject: 'ok', body: 'ok', 'x\u0000': 1 }));
    expectBadRequest(
      await customer.post('/api/v1/tickets', { subject: 'ok', body: 'ok', tags: [['a', 'b\u0000']] }),
    );
  });

  it('in the query string is a 400', async () => {
    expectBadRequest(await customer.get('/api/v1/tickets/search?q=vpn%00down'), '/query/q');
    expectBadRequest(await customer.get('/api/v1/tickets?q=%00'));
  });

  it('in a path parameter is a 400', async () => {
    expectBadRequest(await customer.get('/api/v1/tickets/%00'));
    expectBadRequest(
      await customer.request('GET', '/tickets/ab%00cd', undefined, { accept: 'application/json' }),
    );
  });

  it('in a form body is a 400', async () => {
    const form = await t.app.inject({
      method: 'POST',
      url: '/signup',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: [...customer.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        'x-csrf-token': customer.csrfToken ?? '',
        'sec-fetch-site': 'same-origin',
      },
      payload: `email=nul%40example.com&displayName=Ada%00&company=x`,
    });
    expectBadRequest(form, '/body/displayName');
  });

  it('in a multipart form field is a 400', async () => {
    const boundary = 'sbBoundary123';
    const payload = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="displayName"',
      '',
      'Ada\u0000',
      `--${boundary}--`,
      '',
    ].join('\r\n');
    const res = await t.app.inject({
      method: 'POST',
      url: '/signup',
      headers: {
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'sec-fetch-site': 'same-origin',
      },
      payload,
    });
    expectBadRequest(res, '/body/displayName');
  });
});

describe('a multipart body cut short', () => {
  it.each([
    ['in the middle of a field', '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nhal'],
    ['in the middle of the part headers', '--b\r\nContent-Disposition: form-da'],
    [
      'in the middle of a file',
      '--b\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhal',
    ],
    ['before any part', '--'],
  ])('%s is a 400 problem, not a 500', async (_name, payload) => {
    for (const url of ['/signup', '/api/v1/tickets']) {
      const res = await t.app.inject({
        method: 'POST',
        url,
        headers: {
          'content-type': 'multipart/form-data; boundary=b',
          cookie: [...customer.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
          'x-csrf-token': customer.csrfToken ?? '',
          'sec-fetch-site': 'same-origin',
        },
        payload,
      });
      expect(res.statusCode, `${url}: ${res.body}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(500);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
  });
});

describe('a page asked for without an HTML Accept header', () => {
  // A load tester sends no Accept, curl sends */*, a script may ask for JSON: the page still renders.
  it.each([
    ['no Accept header', undefined],
    ['*/*', '*/*'],
    ['application/json', 'application/json'],
  ])('%s gets the page, not a 500', async (_name, accept) => {
    for (const url of ['/tickets', '/', '/account', '/account/security']) {
      const res = await t.app.inject({
        method: 'GET',
        url,
        headers: {
          cookie: [...customer.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
          ...(accept ? { accept } : {}),
        },
      });
      expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body).toContain('<html');
    }
  });
});
