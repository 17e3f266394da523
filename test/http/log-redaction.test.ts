import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { logOptions } from '../../src/platform/logging/logger.js';
import { redactSecrets, redactUrl } from '../../src/platform/logging/redact-url.js';
import { createUser, signInAs } from '../support/actors.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { authorize, pkce, REDIRECT_URI, registerTestClient, tokenRequest } from '../support/oauth.js';
import { mailTo, tokenFrom } from '../support/outbox.js';
import { SessionClient } from '../support/session-client.js';

/**
 * Issue 15 item 2: every link-bearing flow runs through the real app, whose logger writes at
 * `trace` into an array with the process's own options; no secret of those flows may reach it.
 */
const PUBLIC_URL = 'http://localhost:3000';
const text: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    text.push(chunk.toString());
    done();
  },
});
const logged = () => text.join('');
const requestLines = () =>
  logged()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { msg?: string; url?: string })
    .filter((line) => line.msg === 'request');

let t: TestApp;
let app: FastifyInstance;
const secrets: string[] = [];
beforeAll(async () => {
  t = await buildTestApp({ runsJobs: true, env: { PUBLIC_URL, MFA_REQUIRED_ROLES: 'none' } });
  app = await buildApp({ ...t.platform, logger: pino(logOptions('trace'), sink) });
});
afterAll(async () => {
  await app.close();
  await t.close();
});

/** Opens a mailed link the way a browser does (GET with the token in the query), then uses it. */
async function openLink(client: SessionClient, path: string, token: string) {
  secrets.push(token);
  const page = await client.request('GET', `${path}?token=${token}`, undefined, { accept: 'text/html' });
  expect(page.statusCode).toBe(200);
}

describe('secrets in URLs never reach the log', () => {
  it('verification, magic link, password reset, invitation and an OAuth code flow', async () => {
    // Other flows' rules change over time; this test only needs each link sent, opened and used.
    const newcomer = `logged-${Date.now()}@example.com`;
    const visitor = await new SessionClient(app).start();
    await visitor.post('/api/v1/auth/signup', {
      email: newcomer,
      password: 'tangerine-orbit-41',
      displayName: 'L',
    });
    const verify = tokenFrom((await mailTo(t, newcomer))[0]!, '/auth/verify');
    await openLink(visitor, '/auth/verify', verify);
    await visitor.post('/api/v1/auth/verify-email', { token: verify });

    const { email } = await createUser(t, ['customer']);
    await visitor.post('/api/v1/auth/magic-link', { email });
    const magic = tokenFrom((await mailTo(t, email))[0]!, '/auth/magic');
    await openLink(visitor, '/auth/magic', magic);
    await visitor.post('/api/v1/auth/magic-link/consume', { token: magic });

    const stranger = await new SessionClient(app).start();
    await stranger.post('/api/v1/auth/password-reset', { email });
    const reset = tokenFrom((await mailTo(t, email, 2))[0]!, '/auth/reset');
    await openLink(stranger, '/auth/reset', reset);
    // A wrong token is refused (the error path logs too).
    await stranger.request('GET', `/auth/reset?token=${reset}x`, undefined, { accept: 'text/html' });
    secrets.push(`${reset}x`);
    await stranger.post('/api/v1/auth/password-reset/complete', { token: reset, password: 'new-orbit-4242' });

    const admin = await signInAs(app, (await createUser(t, ['admin'])).email);
    const invitee = `invited-${Date.now()}@example.com`;
    expect((await admin.post('/api/v1/admin/invitations', { email: invitee })).statusCode).toBe(201);
    const invite = tokenFrom((await mailTo(t, invitee))[0]!, '/auth/invite');
    const guest = await new SessionClient(app).start();
    await openLink(guest, '/auth/invite', invite);

    const { clientId } = await registerTestClient(t);
    const browser = await signInAs(app, (await createUser(t, ['customer'])).email);
    const { verifier, challenge } = pkce();
    const state = 'st8-0123456789abcdefghijkl';
    const result = await authorize(browser, PUBLIC_URL, {
      client_id: clientId,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      scope: 'openid account:read',
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const code = result.location?.searchParams.get('code');
    expect(code, result.body).toBeTruthy();
    const tokens = await tokenRequest(app, {
      grant_type: 'authorization_code',
      client_id: clientId,
      code: code!,
      code_verifier: verifier,
      redirect_uri: REDIRECT_URI,
    });
    expect(tokens.statusCode).toBe(200);
    // A callback-shaped request to this server, as a misconfigured app would send.
    await app.inject({ method: 'GET', url: `/callback?code=${code}&state=${state}` });
    secrets.push(code!, state, verifier, challenge, tokens.json().access_token, tokens.json().refresh_token);

    const log = logged();
    expect(log).toContain('"msg":"request"');
    for (const secret of secrets) expect(log, `a secret in the log: ${secret}`).not.toContain(secret);
    // The interaction ids of the app's sign-in are cut out of its paths too.
    const urls = requestLines().map((line) => line.url ?? '');
    expect(urls).toContain('/auth/reset?token=[redacted]');
    expect(urls.some((u) => u.startsWith('/oauth/interaction/'))).toBe(true);
    for (const url of urls.filter((u) => /^\/oauth\/(interaction|auth)\//.test(u)))
      expect(url).toMatch(/^\/oauth\/(interaction|auth)\/\[redacted\]/);
  });

  it('errors and messages with a URL in them are scrubbed as well', () => {
    const before = text.length;
    const logger = pino(logOptions('info'), sink);
    logger.error({ err: new Error('failed GET /auth/magic?token=abcDEF123secret') }, 'boom');
    logger.info('opened /auth/invite?token=abcDEF123secret&x=1');
    logger.info({ req: { method: 'GET', url: '/auth/verify?token=abcDEF123secret' } }, 'incoming request');
    logger.info({ url: '/oauth/interaction/Zx8yQ_3kLm9pA7bC2dE4f/consent' }, 'x');
    const written = text.slice(before).join('');
    expect(written).not.toContain('abcDEF123secret');
    expect(written).not.toContain('Zx8yQ_3kLm9pA7bC2dE4f');
    expect(written).toContain('token=[redacted]');
  });
});

describe('redactUrl', () => {
  it.each([
    ['/auth/reset?token=abc', '/auth/reset?token=[redacted]'],
    [
      '/oauth/auth?client_id=x&state=s&code_challenge=c&nonce=n',
      '/oauth/auth?client_id=x&state=[redacted]&code_challenge=[redacted]&nonce=[redacted]',
    ],
    ['/cb?code=abc&foo=1', '/cb?code=[redacted]&foo=1'],
    ['/x?access_token=a;id_token_hint=b', '/x?access_token=[redacted];id_token_hint=[redacted]'],
    ['/oauth/interaction/Zx8yQ_3kLm9pA7bC2dE4f', '/oauth/interaction/[redacted]'],
    ['/oauth/auth/Zx8yQ_3kLm9pA7bC2dE4f?x=1', '/oauth/auth/[redacted]?x=1'],
    ['/api/v1/auth/verify-email', '/api/v1/auth/verify-email'],
    ['/oauth/.well-known/openid-configuration', '/oauth/.well-known/openid-configuration'],
    [
      '/api/v1/tickets/0b5c9e4e-6a9e-4b1e-9d3c-2f1e0a9b8c7d',
      '/api/v1/tickets/0b5c9e4e-6a9e-4b1e-9d3c-2f1e0a9b8c7d',
    ],
    ['/inbox/list?status=open&page=2', '/inbox/list?status=open&page=2'],
  ])('%s → %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it('cuts a token out of any text, also percent-encoded names and full URLs', () => {
    expect(redactSecrets('see https://h.example/auth/magic?token=AbC&x=1 now')).toBe(
      'see https://h.example/auth/magic?token=[redacted]&x=1 now',
    );
    expect(redactSecrets('/x?TOKEN=a&Client_Secret=b')).toBe('/x?TOKEN=[redacted]&Client_Secret=[redacted]');
  });
});
