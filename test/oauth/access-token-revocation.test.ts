import type { JsonWebKey } from 'node:crypto';
import { importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keySettings, listKeys } from '../../src/modules/oauth/keys/key-store.js';
import { SealedBox } from '../../src/platform/secrets/sealed-box.js';
import { createUser, signInAs } from '../support/actors.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { issueTokens, jwtClaims, registerTestClient, tokenRequest, withToken } from '../support/oauth.js';

const PUBLIC_URL = 'http://localhost:3000';
const USERS = '/api/v1/admin/users';
let t: TestApp;
/** A client as it authenticates: public apps name themselves, integrations show their secret. */
interface Caller {
  id: string;
  secret?: string;
}
let app: Caller;
let otherApp: Caller;
let integration: Caller;

beforeAll(async () => {
  t = await buildTestApp({ env: { PUBLIC_URL } });
  app = { id: (await registerTestClient(t)).clientId };
  otherApp = { id: (await registerTestClient(t, { name: 'Other app' })).clientId };
  const cc = await registerTestClient(t, {
    type: 'confidential',
    grantTypes: ['client_credentials'],
    redirectUris: [],
    scopes: ['users:read'],
  });
  integration = { id: cc.clientId, secret: cc.secret! };
});
afterAll(() => t.close());

async function userTokens() {
  const user = await createUser(t, ['customer']);
  const browser = await signInAs(t.app, user.email);
  return { user, tokens: await issueTokens(t.app, browser, PUBLIC_URL, app.id) };
}
/** A request to an endpoint of the authorization server, authenticated as `as`. */
const call = (endpoint: string, form: Record<string, string>, as: Caller) =>
  as.secret
    ? tokenRequest(t.app, form, { id: as.id, secret: as.secret }, endpoint)
    : tokenRequest(t.app, { ...form, client_id: as.id }, undefined, endpoint);
const integrationToken = async () => {
  const res = await call(
    '/oauth/token',
    { grant_type: 'client_credentials', scope: 'users:read' },
    integration,
  );
  expect(res.statusCode, res.body).toBe(200);
  return res.json().access_token as string;
};
const refresh = (refreshToken: string) =>
  call('/oauth/token', { grant_type: 'refresh_token', refresh_token: refreshToken }, app);
const revoke = (token: string, as = app, hint?: string) =>
  call('/oauth/token/revocation', { token, ...(hint ? { token_type_hint: hint } : {}) }, as);
const introspect = async (token: string, as = app) => {
  const res = await call('/oauth/token/introspection', { token }, as);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Record<string, unknown>;
};

/** An access token made with the server's real signing key (to show an expired one is refused for its age). */
async function signedWithServerKey(claims: Record<string, unknown>, exp: number) {
  const db = t.platform.database.db;
  const kid = (await listKeys(db, new Date())).find((k) => k.state === 'signing')!.kid;
  const row = await db
    .selectFrom('signing_keys')
    .select(['private_jwk_sealed', 'alg'])
    .where('kid', '=', kid)
    .executeTakeFirstOrThrow();
  const jwk = JSON.parse(
    new SealedBox(keySettings(t.config).secretKey, 'signing-keys').open(row.private_jwk_sealed),
  ) as JsonWebKey;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: row.alg, kid, typ: 'at+jwt' })
    .setIssuedAt(exp - 600)
    .setExpirationTime(exp)
    .sign(await importJWK({ ...jwk, alg: row.alg } as never, row.alg));
}

describe('revoking an access token (RFC 7009)', () => {
  it('revokes the token and its grant: the API refuses it and the refresh token is spent', async () => {
    for (const hint of ['access_token', undefined]) {
      const { tokens } = await userTokens();
      const res = await revoke(tokens.access_token, app, hint);
      expect(res.statusCode, res.body).toBe(200);
      const api = await withToken(t.app, tokens.access_token);
      expect(api.statusCode).toBe(401);
      expect(api.json().detail).toMatch(/revoked/);
      expect((await refresh(tokens.refresh_token)).json().error).toBe('invalid_grant');
    }
  });

  it('another app cannot revoke a token it was not issued: the token keeps working', async () => {
    const { tokens } = await userTokens();
    const res = await revoke(tokens.access_token, otherApp);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('invalid_request');
    expect((await withToken(t.app, tokens.access_token)).statusCode).toBe(200);
    expect((await refresh(tokens.refresh_token)).statusCode).toBe(200);
  });

  it('revokes an integration’s client-credentials token, and only that one', async () => {
    const revoked = await integrationToken();
    const kept = await integrationToken();
    expect((await revoke(revoked, integration)).statusCode).toBe(200);
    const api = await withToken(t.app, revoked, USERS);
    expect(api.statusCode).toBe(401);
    expect(api.json().detail).toMatch(/revoked/);
    expect((await withToken(t.app, kept, USERS)).statusCode).toBe(200);
  });

  it('answers 200 and changes nothing for tokens that are not ours or not tokens at all', async () => {
    for (const junk of ['not-a-token', 'a.b.c', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.']) {
      const res = await revoke(junk);
      expect(res.statusCode, junk).toBe(200);
    }
  });
});

describe('introspection (RFC 7662)', () => {
  it('describes a valid user access token, and answers inactive once it is revoked', async () => {
    const { user, tokens } = await userTokens();
    const claims = jwtClaims(tokens.access_token);
    expect(await introspect(tokens.access_token)).toEqual({
      active: true,
      token_type: 'Bearer',
      scope: 'account:read tickets:read',
      client_id: app.id,
      sub: user.id,
      iss: `${PUBLIC_URL}/oauth`,
      aud: `${PUBLIC_URL}/api`,
      exp: claims.exp,
      iat: claims.iat,
      jti: claims.jti,
    });
    await revoke(tokens.access_token);
    expect(await introspect(tokens.access_token)).toEqual({ active: false });
  });

  it('describes an integration’s token', async () => {
    const token = await integrationToken();
    expect(await introspect(token, integration)).toMatchObject({
      active: true,
      scope: 'users:read',
      client_id: integration.id,
      sub: integration.id,
    });
    await revoke(token, integration);
    expect(await introspect(token, integration)).toEqual({ active: false });
  });

  it('answers inactive for a disabled user’s token, an expired token, a forgery and garbage', async () => {
    const { user, tokens } = await userTokens();
    await t.platform.database.db
      .updateTable('users')
      .set({ status: 'disabled' })
      .where('id', '=', user.id)
      .execute();
    expect(await introspect(tokens.access_token)).toEqual({ active: false });

    const live = jwtClaims(await integrationToken());
    const expired = await signedWithServerKey(
      { ...live, jti: 'expired-one' },
      Math.floor(Date.now() / 1000) - 60,
    );
    expect(await introspect(expired, integration)).toEqual({ active: false });
    const [header, payload] = expired.split('.');
    expect(await introspect(`${header}.${payload}.`, integration)).toEqual({ active: false });
    expect(await introspect('a.b.c', integration)).toEqual({ active: false });
  });

  it('tells an app nothing about a token issued to another app', async () => {
    const { tokens } = await userTokens();
    expect(await introspect(tokens.access_token, otherApp)).toEqual({ active: false });
    expect(await introspect(tokens.refresh_token, otherApp)).toEqual({ active: false });
    // A confidential client (here, an integration) is no more entitled to them than a public one.
    expect(await introspect(tokens.access_token, integration)).toEqual({ active: false });
    expect(await introspect(tokens.refresh_token, integration)).toEqual({ active: false });
    expect(await introspect(await integrationToken(), otherApp)).toEqual({ active: false });
  });
});
