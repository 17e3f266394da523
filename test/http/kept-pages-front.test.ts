import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trustProxyFunction } from '../../src/platform/http/request-protocol.js';
import { buildTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
let port: number;
beforeAll(async () => {
  t = await buildTestApp();
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  port = (t.app.server.address() as AddressInfo).port;
});
afterAll(() => t.close());

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}
/** A request as a proxy that compresses itself sends it: no Accept-Encoding (fetch always adds one). */
function get(path: string, headers: Record<string, string>, to = port): Promise<Answer> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: to, path, headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

const html = { accept: 'text/html' };
const tokenIn = (body: string) => /name="_csrf" value="([^"]*)"/.exec(body)?.[1] ?? '';
/** Headers that differ between any two answers, or hold the visitor's own token or cookie. */
const PER_ANSWER = new Set(['date', 'x-request-id', 'etag', 'connection', 'keep-alive', 'transfer-encoding']);
const comparable = (headers: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(headers)
      .filter(([name]) => !PER_ANSWER.has(name))
      .map(([name, value]) => [name, name === 'set-cookie' ? String(value).replace(/=[^;]*/, '=…') : value]),
  );

describe('kept pages answered by the HTTP server', () => {
  it('answers as the Fastify path does: headers, cookie, body, and its own token per visitor', async () => {
    await t.app.inject({ url: '/', headers: html });
    const before = t.app.pageCache.frontAnswers;
    const front = await get('/', html);
    expect(t.app.pageCache.frontAnswers).toBe(before + 1);
    const fastify = await t.app.inject({ url: '/', headers: html });
    expect(front.status).toBe(200);
    expect(comparable(front.headers)).toEqual(comparable(fastify.headers));
    expect(front.headers['set-cookie']?.[0]).toMatch(/^sb_pre=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
    const [a, b] = [tokenIn(front.body), tokenIn(fastify.body)];
    expect(a).toMatch(/^[\w-]{43}$/);
    expect(a).not.toBe(b);
    expect(front.body.replaceAll(a, '')).toBe(fastify.body.replaceAll(b, ''));
  });

  it('gives a returning visitor their own token and 304 for a current copy, as the Fastify path does', async () => {
    const first = await get('/', html);
    const cookie = String(first.headers['set-cookie']?.[0]).split(';')[0]!;
    const again = await get('/', { ...html, cookie });
    expect(tokenIn(again.body)).toBe(tokenIn(first.body));
    expect(again.headers['set-cookie']).toBeUndefined();
    expect(again.headers['cache-control']).toBe('private, no-cache');
    const revalidated = await get('/', { ...html, cookie, 'if-none-match': String(again.headers.etag) });
    const viaFastify = await t.app.inject({
      url: '/',
      headers: { ...html, cookie, 'if-none-match': String(again.headers.etag) },
    });
    expect(revalidated.status).toBe(304);
    expect(viaFastify.statusCode).toBe(304);
    expect(comparable(revalidated.headers)).toEqual(comparable(viaFastify.headers));
    // The switch takes the token with that cookie.
    const switched = await t.app.inject({
      method: 'POST',
      url: '/preferences',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${tokenIn(again.body)}&locale=nl&back=/`,
    });
    expect(switched.statusCode).toBe(303);
  });

  it('counts the answer in the request metrics under its route', async () => {
    const count = async () => {
      const text = (await t.app.inject({ url: '/metrics' })).body;
      return Number(
        /http_request_duration_seconds_count\{[^}]*route="\/"[^}]*status="200"[^}]*\} (\d+)/.exec(
          text,
        )?.[1] ?? 0,
      );
    };
    const before = await count();
    await get('/', html);
    expect(await count()).toBe(before + 1);
  });

  it('leaves to Fastify whoever asks for compression, carries a session cookie or credentials', async () => {
    const before = t.app.pageCache.frontAnswers;
    const zipped = await get('/', { ...html, 'accept-encoding': 'gzip' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    await get('/', { ...html, cookie: 'sb_session=gone' });
    await get('/', { ...html, authorization: 'Bearer x' });
    await get('/', { accept: 'application/json' });
    expect(t.app.pageCache.frontAnswers).toBe(before);
  });
});

describe('kept pages when PUBLIC_URL is https', () => {
  it('answers only requests that came over https by a trusted proxy; the rest are redirected', async () => {
    const secure = await buildTestApp({
      env: { PUBLIC_URL: 'https://help.example.com', TRUST_PROXY: 'true' },
    });
    try {
      await secure.app.listen({ host: '127.0.0.1', port: 0 });
      const to = (secure.app.server.address() as AddressInfo).port;
      const proxied = { ...html, 'x-forwarded-proto': 'https' };
      expect((await get('/', proxied, to)).status).toBe(200);
      const front = await get('/', proxied, to);
      expect(secure.app.pageCache.frontAnswers).toBe(1);
      expect(front.headers['strict-transport-security']).toMatch(/max-age=63072000/);
      expect(front.headers['set-cookie']?.[0]).toMatch(
        /^__Host-sb_pre=[\w-]{43}; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
      );
      const plain = await get('/', html, to);
      expect(plain.status).toBe(308);
      expect(plain.headers.location).toBe('https://help.example.com/');
      expect(secure.app.pageCache.frontAnswers).toBe(1);
    } finally {
      await secure.close();
    }
  });

  it('trusts forwarded headers as Fastify does: everyone, listed proxies, or (hop counts, off) no one', () => {
    expect(trustProxyFunction(true)('203.0.113.9', 0)).toBe(true);
    expect(trustProxyFunction(false)('127.0.0.1', 0)).toBe(false);
    expect(trustProxyFunction(1)('127.0.0.1', 0)).toBe(false);
    const listed = trustProxyFunction(['127.0.0.1', '10.0.0.0/8']);
    expect(listed('127.0.0.1', 0)).toBe(true);
    expect(listed('10.1.2.3', 0)).toBe(true);
    expect(listed('203.0.113.9', 0)).toBe(false);
  });
});
