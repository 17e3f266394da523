import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/errors.js';
import { buildTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ env: { BODY_LIMIT_BYTES: '2048' }, plugins: [testRoutes] });
});
afterAll(() => t.close());

describe('error responses', () => {
  it('answers an unknown API route with problem+json 404', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({
      status: 404,
      code: 'not_found',
      instance: '/api/v1/nope',
      requestId: res.headers['x-request-id'],
    });
  });

  it('answers an unknown page with an HTML error page for browsers', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/nope',
      headers: { accept: 'text/html,application/xhtml+xml' },
    });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('Nothing was found at this address.');
  });

  it('rejects malformed JSON with invalid_json', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/test/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'invalid_json' });
  });

  it('rejects an oversized body with 413', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/test/echo',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x'.repeat(4096), age: 1 }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'payload_too_large' });
  });

  it('rejects an unsupported content type with 415', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/test/echo',
      headers: { 'content-type': 'application/xml' },
      payload: '<a/>',
    });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ code: 'unsupported_media_type' });
  });

  it('reports every invalid field with a JSON pointer', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/test/echo', payload: { age: 'old' } });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.code).toBe('validation_failed');
    expect(body.errors).toEqual(expect.arrayContaining([{ pointer: '/body/name', detail: 'is required' }]));
  });

  it('passes a catalogued error through with its detail and headers', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/test/limited' });
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBe('30');
    expect(res.json()).toMatchObject({ code: 'rate_limited', detail: 'Wait 30 seconds.' });
  });

  it('hides the internals of an unexpected error', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/test/crash' });
    expect(res.statusCode).toBe(500);
    const body = res.json();
    expect(body).toMatchObject({ code: 'internal', title: expect.any(String) });
    expect(JSON.stringify(body)).not.toContain('password=hunter2');
    expect(body.detail).toBeUndefined();
  });
});

describe('request id', () => {
  it('echoes a valid incoming X-Request-Id and replaces an unsafe one', async () => {
    const kept = await t.app.inject({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(kept.headers['x-request-id']).toBe('abc-123');
    const replaced = await t.app.inject({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': 'evil\nheader' },
    });
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

// Routes that exist only in this test, mounted on the real app after the feature modules.
async function testRoutes(app: FastifyInstance): Promise<void> {
  app.post(
    '/test/echo',
    {
      config: { access: 'public' },
      schema: { body: Type.Object({ name: Type.String(), age: Type.Integer() }) },
    },
    async (request) => request.body,
  );
  app.get('/test/limited', { config: { access: 'public' } }, async () => {
    throw new AppError('rate_limited', 'Wait 30 seconds.', { headers: { 'retry-after': '30' } });
  });
  app.get('/test/crash', { config: { access: 'public' } }, async () => {
    throw new Error('connect failed: password=hunter2');
  });
}
