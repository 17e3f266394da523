import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ env: { CORS_ORIGINS: 'https://partner.example' } });
});
afterAll(() => t.close());

describe('security headers', () => {
  it('sends the OWASP API set on JSON routes and probes', async () => {
    for (const url of ['/health', '/api/v1/instance', '/api/v1/missing']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['strict-transport-security']).toBeUndefined();
    }
  });

  it('sends a strict page CSP with no inline script or style on pages', async () => {
    for (const url of ['/', '/no-such-page']) {
      const res = await t.app.inject({ method: 'GET', url, headers: { accept: 'text/html' } });
      const csp = res.headers['content-security-policy'] as string;
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    }
  });
});

describe('CORS', () => {
  it('allows only the configured origins', async () => {
    const allowed = await t.app.inject({
      method: 'GET',
      url: '/api/v1/instance',
      headers: { origin: 'https://partner.example' },
    });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://partner.example');
    const denied = await t.app.inject({
      method: 'GET',
      url: '/api/v1/instance',
      headers: { origin: 'https://evil.example' },
    });
    expect(denied.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('probes and data', () => {
  it('/health answers without touching dependencies', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('/health/ready checks the database and the job queue', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', checks: { database: 'ok', jobs: 'ok' } });
  });

  it('reads the instance row from the database', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/instance' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      name: 'Switchboard',
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
  });

  it('compresses large responses', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/openapi.json',
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(res.headers['content-encoding']).toBe('gzip');
  });
});

describe('/metrics', () => {
  it('exports request histograms by route, pool, job queue, cache and process metrics', async () => {
    await t.app.inject({ method: 'GET', url: '/api/v1/instance' });
    await t.platform.cache.getOrSet('metrics-probe', 10, async () => 1);
    await t.platform.cache.get('metrics-probe');
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    const text = res.body;
    expect(text).toMatch(
      /switchboard_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/instance",status="200"\} [1-9]/,
    );
    expect(text).toMatch(/switchboard_db_pool_connections\{state="total"\} \d+/);
    expect(text).toContain('switchboard_jobs');
    expect(text).toMatch(/switchboard_cache_hits_total [1-9]/);
    expect(text).toMatch(/switchboard_cache_misses_total [1-9]/);
    expect(text).toContain('switchboard_process_resident_memory_bytes');
    expect(text).not.toContain('route="/health"');
  });
});

describe('readiness when a dependency fails', () => {
  it('answers 503 and names the failing part', async () => {
    const broken = await buildTestApp();
    try {
      await broken.platform.database.pool.end();
      const res = await broken.app.inject({ method: 'GET', url: '/health/ready' });
      expect(res.statusCode).toBe(503);
      expect(res.json().status).toBe('unavailable');
      expect(res.json().checks.database).toMatch(/^failed: /);
    } finally {
      await broken.app.close();
      await broken.database.drop();
    }
  });
});

describe('HTTPS', () => {
  it('redirects plain-http requests when PUBLIC_URL is https, except probes, and sends HSTS', async () => {
    const secure = await buildTestApp({
      env: { PUBLIC_URL: 'https://help.example.com', TRUST_PROXY: 'true' },
    });
    try {
      const res = await secure.app.inject({ method: 'GET', url: '/api/v1/instance?x=1' });
      expect(res.statusCode).toBe(308);
      expect(res.headers.location).toBe('https://help.example.com/api/v1/instance?x=1');
      const proxied = await secure.app.inject({
        method: 'GET',
        url: '/api/v1/instance',
        headers: { 'x-forwarded-proto': 'https' },
      });
      expect(proxied.statusCode).toBe(200);
      expect(proxied.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect((await secure.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    } finally {
      await secure.close();
    }
  });
});
