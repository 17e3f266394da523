import type { AddressInfo } from 'node:net';
import type { FastifyServerFactory } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frontServer } from '../../src/platform/http/front-server.js';
import { buildTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
let base: string;
beforeAll(async () => {
  t = await buildTestApp();
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => t?.close());

/** Headers that differ between any two responses, whoever sends them. */
const PER_RESPONSE = new Set(['date', 'x-request-id', 'connection', 'keep-alive', 'transfer-encoding']);
const comparable = (headers: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !PER_RESPONSE.has(name)));

describe('GET /health answered by the server itself', () => {
  it('sends what the Fastify route sends: body, content type and every security header', async () => {
    const viaServer = await fetch(`${base}/health`);
    const viaRoute = await t.app.inject({ method: 'GET', url: '/health' });
    expect(viaServer.status).toBe(200);
    expect(await viaServer.json()).toEqual(viaRoute.json());
    const sent: Record<string, string> = {};
    viaServer.headers.forEach((value, name) => {
      sent[name] = value;
    });
    expect(comparable(sent)).toEqual(comparable(viaRoute.headers));
    expect(viaServer.headers.get('content-security-policy')).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    );
  });

  it('gives every answer a request id, and keeps a caller’s only when it is plain', async () => {
    const own = await fetch(`${base}/health`);
    expect(own.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const given = await fetch(`${base}/health`, { headers: { 'x-request-id': 'lb-probe-42' } });
    expect(given.headers.get('x-request-id')).toBe('lb-probe-42');
    const forged = await fetch(`${base}/health`, { headers: { 'x-request-id': 'a b<script>' } });
    expect(forged.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('leaves every other request to Fastify: HEAD, other paths, a query', async () => {
    expect((await fetch(`${base}/health`, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(`${base}/health?verbose=1`)).status).toBe(200);
    expect((await fetch(`${base}/health/nope`)).status).toBe(404);
  });
});

describe('the liveness server while the app closes', () => {
  it('hands the probe to the app (which answers 503) once closing has begun', async () => {
    const liveness = frontServer({ https: true });
    let handled = 0;
    const handler = ((_request, response) => {
      handled++;
      response.writeHead(503).end();
    }) as Parameters<FastifyServerFactory>[0];
    const server = liveness.factory(handler, {} as Parameters<FastifyServerFactory>[1]);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
    try {
      const open = await fetch(url);
      expect(open.status).toBe(200);
      expect(open.headers.get('strict-transport-security')).toMatch(/max-age=63072000/);
      expect(handled).toBe(0);
      liveness.closing();
      expect((await fetch(url)).status).toBe(503);
      expect(handled).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
