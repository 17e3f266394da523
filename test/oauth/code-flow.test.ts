import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, signInAs } from '../support/actors.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import {
  authorize,
  issueTokens,
  jwtClaims,
  pkce,
  REDIRECT_URI,
  registerTestClient,
  tokenRequest,
  withToken,
} from '../support/oauth.js';
import type { SessionClient } from '../support/session-client.js';

const PUBLIC_URL = 'http://localhost:3000';
let t: TestApp;
let clientId: string;
let browser: SessionClient;

beforeAll(async () => {
  t = await buildTestApp({ env: { PUBLIC_URL } });
  ({ clientId } = await registerTestClient(t));
  browser = await signInAs(t.app, (await createUser(t, ['customer'])).email);
});
afterAll(() => t.close());

const request = (challenge: Record<string, string>, overrides: Record<string, string> = {}) => ({
  client_id: clientId,
  response_type: 'code',
  redirect_uri: REDIRECT_URI,
  scope: 'openid account:read tickets:read',
  state: 'state-123',
  ...challenge,
  ...overrides,
});

/** A code for a fresh PKCE pair, through sign-in and consent. */
async function codeFor(overrides: Record<string, string> = {}) {
  const { verifier, challenge } = pkce();
  const result = await authorize(
    browser,
    PUBLIC_URL,
    request({ code_challenge: challenge, code_challenge_method: 'S256' }, overrides),
  );
  expect(result.location?.href.startsWith(REDIRECT_URI), result.body).toBe(true);
  expect(result.location!.searchParams.get('state')).toBe('state-123');
  return { code: result.location!.searchParams.get('code')!, verifier };
}

const exchange = (code: string, verifier: string, redirectUri = REDIRECT_URI) =>
  tokenRequest(t.app, {
    grant_type: 'authorization_code',
    client_id: clientId,
    code,
    code_verifier: verifier,
    redirect_uri: redirectUri,
  });

describe('authorization code with PKCE', () => {
  it('issues an RFC 9068 access token for the API, which the API accepts within its scopes', async () => {
    const { code, verifier } = await codeFor();
    const res = await exchange(code, verifier);
    expect(res.statusCode, res.body).toBe(200);
    const tokens = res.json();
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 600 });
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(tokens.id_token).toEqual(expect.any(String));
    const claims = jwtClaims(tokens.access_token);
    expect(claims).toMatchObject({
      iss: `${PUBLIC_URL}/oauth`,
      aud: `${PUBLIC_URL}/api`,
      client_id: clientId,
      scope: 'account:read tickets:read',
    });
    for (const claim of ['sub', 'exp', 'iat', 'jti', 'gid']) expect(claims[claim]).toBeDefined();

    const me = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(me.statusCode, me.body).toBe(200);
    expect(me.json().id).toBe(claims.sub);
    // A customer's token cannot reach what a customer cannot, whatever it asks for.
    const admin = await t.app.inject({
      method: 'GET',
      url: '/api/v1/admin/users',
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(admin.statusCode).toBe(403);
    // And a token never changes security settings.
    const password = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/password',
      headers: { authorization: `Bearer ${tokens.access_token}` },
      payload: { currentPassword: 'x', newPassword: 'y' },
    });
    expect(password.statusCode).toBe(403);
  });

  it('remembers consent: the second sign-in skips the question', async () => {
    const { verifier, challenge } = pkce();
    let asked = false;
    const original = browser.post;
    browser.post = async (url, payload, headers) => {
      if (url.includes('/consent')) asked = true;
      return original(url, payload, headers);
    };
    const result = await authorize(
      browser,
      PUBLIC_URL,
      request({ code_challenge: challenge, code_challenge_method: 'S256' }),
    );
    browser.post = original;
    expect(asked).toBe(false);
    expect((await exchange(result.location!.searchParams.get('code')!, verifier)).statusCode).toBe(200);
  });

  it('refuses a request without PKCE, or with the plain method', async () => {
    const none = await authorize(browser, PUBLIC_URL, request({}));
    expect(none.location?.searchParams.get('error')).toBe('invalid_request');
    expect(none.location?.searchParams.get('error_description')).toMatch(/PKCE/);

    const plain = await authorize(
      browser,
      PUBLIC_URL,
      request({ code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' }),
    );
    expect(plain.location?.searchParams.get('error')).toBe('invalid_request');
    expect(plain.location?.searchParams.get('error_description')).toMatch(/code_challenge_method/);
  });

  it('refuses a wrong verifier, and a code used twice (revoking what the first use issued)', async () => {
    const wrong = await codeFor();
    const refused = await exchange(wrong.code, pkce().verifier);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toBe('invalid_grant');

    const { code, verifier } = await codeFor();
    const first = await exchange(code, verifier);
    expect(first.statusCode).toBe(200);
    const again = await exchange(code, verifier);
    expect(again.statusCode).toBe(400);
    expect(again.json().error).toBe('invalid_grant');
    // The replay revoked the grant: the refresh token from the first use is dead too.
    const refresh = await tokenRequest(t.app, {
      grant_type: 'refresh_token',
      client_id: clientId,
      refresh_token: first.json().refresh_token,
    });
    expect(refresh.json().error).toBe('invalid_grant');
    const api = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${first.json().access_token}` },
    });
    expect(api.statusCode).toBe(401);
  });

  it('refuses a redirect URI that differs by one character, at either endpoint', async () => {
    const { challenge } = pkce();
    const offByOne = await authorize(
      browser,
      PUBLIC_URL,
      request(
        { code_challenge: challenge, code_challenge_method: 'S256' },
        { redirect_uri: `${REDIRECT_URI}x` },
      ),
    );
    // Never redirected to an unregistered address: the error is shown here.
    expect(offByOne.location).toBeUndefined();
    expect(offByOne.status).toBe(400);
    expect(offByOne.body).toContain('redirect_uri');

    const { code, verifier } = await codeFor();
    const res = await exchange(code, verifier, REDIRECT_URI.replace('callback', 'callbacc'));
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('invalid_grant');
  });

  it('sends the user back to the app with access_denied when they decline', async () => {
    const other = await registerTestClient(t, { name: 'Declined app' });
    const { challenge } = pkce();
    const result = await authorize(
      browser,
      PUBLIC_URL,
      request({ code_challenge: challenge, code_challenge_method: 'S256' }, { client_id: other.clientId }),
      'deny',
    );
    expect(result.location?.searchParams.get('error')).toBe('access_denied');
  });
});

describe('OpenID Connect', () => {
  it('userinfo answers for a sign-in that asked only for OpenID scopes', async () => {
    const { verifier, challenge } = pkce();
    const result = await authorize(
      browser,
      PUBLIC_URL,
      request({ code_challenge: challenge, code_challenge_method: 'S256' }, { scope: 'openid email' }),
    );
    const tokens = (await exchange(result.location!.searchParams.get('code')!, verifier)).json();
    const info = await t.app.inject({
      method: 'GET',
      url: '/oauth/me',
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(info.statusCode, info.body).toBe(200);
    const me = (await browser.get('/api/v1/me')).json();
    expect(info.json()).toMatchObject({ sub: me.id, email: me.email, email_verified: true });
  });

  it('an end-session confirmation without its form token, or with a wrong one, changes nothing', async () => {
    const person = await signInAs(t.app, (await createUser(t, ['customer'])).email);
    const { clientId: app } = await registerTestClient(t, { name: 'Forged sign-out' });
    const tokens = await issueTokens(t.app, person, PUBLIC_URL, app);
    const cookie = () => [...person.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const post = (form: Record<string, string>, withCookie = cookie()) =>
      t.app.inject({
        method: 'POST',
        url: '/oauth/session/end/confirm',
        headers: { cookie: withCookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(form).toString(),
      });
    const stillIn = async () => {
      expect((await person.get('/api/v1/me')).statusCode).toBe(200);
      expect((await withToken(t.app, tokens.access_token)).statusCode).toBe(200);
    };

    // Before the question was ever asked (no pending sign-out in the provider's session).
    const unasked = await post({ logout: 'yes' });
    expect(unasked.statusCode).toBe(400);
    expect(unasked.cookies.find((c) => c.name === 'sb_session')).toBeUndefined();
    await stillIn();
    // The question was asked; a cross-site form posts without the token, or guesses one.
    const ask = await person.get(`/oauth/session/end?client_id=${app}`);
    expect(ask.statusCode).toBe(200);
    const forged: Record<string, string>[] = [
      { logout: 'yes' },
      { xsrf: 'guessed', logout: 'yes' },
      { xsrf: '', logout: 'yes' },
    ];
    for (const form of forged) {
      const res = await post(form);
      expect(res.statusCode, JSON.stringify(form)).toBe(400);
      expect(res.cookies.find((c) => c.name === 'sb_session')).toBeUndefined();
      await stillIn();
    }
    // With the right token but only the Switchboard cookie (not the provider's session): nothing either.
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(ask.body)![1]!;
    const sbOnly = [...person.cookies]
      .filter(([k]) => k.includes('sb_session'))
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
    expect((await post({ xsrf, logout: 'yes' }, sbOnly)).statusCode).toBe(400);
    await stillIn();
  });

  it('end-session asks first, then signs out of Switchboard and revokes the app’s tokens', async () => {
    const person = await signInAs(t.app, (await createUser(t, ['customer'])).email);
    const { clientId: app } = await registerTestClient(t, { name: 'Signed-out app' });
    const tokens = await issueTokens(t.app, person, PUBLIC_URL, app);
    const ask = await person.get(`/oauth/session/end?client_id=${app}`);
    expect(ask.statusCode).toBe(200);
    expect(ask.body).toContain('Signed-out app asks to sign you out of Switchboard.');
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(ask.body)?.[1];
    expect(xsrf).toBeDefined();
    const cookie = [...person.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const confirm = await t.app.inject({
      method: 'POST',
      url: '/oauth/session/end/confirm',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ xsrf: xsrf!, logout: 'yes' }).toString(),
    });
    expect(confirm.statusCode).toBeLessThan(400);
    expect(confirm.cookies.find((c) => c.name === 'sb_session')?.value).toBe('');
    expect((await person.get('/api/v1/me')).statusCode).toBe(401);
    const refresh = await tokenRequest(t.app, {
      grant_type: 'refresh_token',
      client_id: app,
      refresh_token: tokens.refresh_token,
    });
    expect(refresh.json().error).toBe('invalid_grant');
  });
});
