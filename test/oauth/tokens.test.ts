import { createHmac, type JsonWebKey } from 'node:crypto';
import { generateKeyPair, importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceKeyChange } from '../../src/modules/oauth/keys/announce.js';
import { keySettings, listKeys, rotateKeys } from '../../src/modules/oauth/keys/key-store.js';
import { markAccessTokenRevoked } from '../../src/modules/oauth/provider/revoked-access-tokens.js';
import { SealedBox } from '../../src/platform/secrets/sealed-box.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { jwtClaims, jwtHeader, registerTestClient, tokenRequest, withToken } from '../support/oauth.js';
import { waitFor } from '../support/wait.js';

const PUBLIC_URL = 'http://localhost:3000';
const ISSUER = `${PUBLIC_URL}/oauth`;
const AUDIENCE = `${PUBLIC_URL}/api`;
const USERS = '/api/v1/admin/users';
let t: TestApp;
let integration: { id: string; secret: string };

beforeAll(async () => {
  t = await buildTestApp({ env: { PUBLIC_URL } });
  const { clientId, secret } = await registerTestClient(t, {
    type: 'confidential',
    grantTypes: ['client_credentials'],
    redirectUris: [],
    scopes: ['users:read'],
  });
  integration = { id: clientId, secret: secret! };
});
afterAll(() => t.close());

const issue = async () => {
  const res = await tokenRequest(
    t.app,
    { grant_type: 'client_credentials', scope: 'users:read' },
    integration,
  );
  expect(res.statusCode, res.body).toBe(200);
  return res.json().access_token as string;
};
const jwksKids = async () =>
  ((await t.app.inject({ method: 'GET', url: '/oauth/jwks' })).json().keys as { kid: string }[]).map(
    (k) => k.kid,
  );
const db = () => t.platform.database.db;

describe('key rotation with real tokens', () => {
  it('publishes the new key before it signs, keeps old tokens valid, and refuses them once the old key retires', async () => {
    const before = await issue();
    const oldKid = jwtHeader(before).kid as string;
    expect((await withToken(t.app, before, USERS)).statusCode).toBe(200);

    const rotation = await db()
      .transaction()
      .execute((trx) => rotateKeys(trx, keySettings(t.config), new Date()));
    if (!rotation.rotated) throw new Error(rotation.reason);
    const newKid = rotation.kid;
    await announceKeyChange(t.platform.pubsub);

    // Published first: in the JWKS now, while tokens are still signed with the old key.
    expect(await jwksKids()).toEqual(expect.arrayContaining([oldKid, newKid]));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(jwtHeader(await issue()).kid).toBe(oldKid);

    // The lead time passes: the new key signs, and a token from before still works.
    // (The old key was made when this app started: date it back, as if it had signed for a while.)
    await db()
      .updateTable('signing_keys')
      .set({ activates_at: new Date(Date.now() - 86_400_000) })
      .where('kid', '=', oldKid)
      .execute();
    await db()
      .updateTable('signing_keys')
      .set({ activates_at: new Date(Date.now() - 1000) })
      .where('kid', '=', newKid)
      .execute();
    await announceKeyChange(t.platform.pubsub);
    await waitFor(async () => jwtHeader(await issue()).kid === newKid, 5000, 'the new key to sign');
    const after = await issue();
    expect((await withToken(t.app, after, USERS)).statusCode).toBe(200);
    expect((await withToken(t.app, before, USERS)).statusCode).toBe(200);
    expect((await listKeys(db(), new Date())).find((k) => k.kid === oldKid)?.state).toBe('retiring');

    // Every token the old key signed has expired: it retires, leaves the JWKS, and its kid is refused.
    await db()
      .updateTable('signing_keys')
      .set({ retires_at: new Date(Date.now() - 1000) })
      .where('kid', '=', oldKid)
      .execute();
    await announceKeyChange(t.platform.pubsub);
    await waitFor(
      async () => (await withToken(t.app, before, USERS)).statusCode === 401,
      5000,
      'the old kid to be refused',
    );
    expect(await jwksKids()).not.toContain(oldKid);
    expect((await withToken(t.app, after, USERS)).statusCode).toBe(200);
  });
});

describe('forged tokens', () => {
  /** The real signing key, as only the server holds it: to show the refusals are for the forgery. */
  async function serverKey() {
    const kid = (await listKeys(db(), new Date())).find((k) => k.state === 'signing')!.kid;
    const row = await db()
      .selectFrom('signing_keys')
      .select(['private_jwk_sealed', 'alg', 'public_jwk'])
      .where('kid', '=', kid)
      .executeTakeFirstOrThrow();
    const jwk = JSON.parse(
      new SealedBox(keySettings(t.config).secretKey, 'signing-keys').open(row.private_jwk_sealed),
    ) as JsonWebKey;
    return {
      kid,
      alg: row.alg,
      key: await importJWK({ ...jwk, alg: row.alg } as never, row.alg),
      publicJwk: row.public_jwk,
    };
  }
  const claims = (overrides: Record<string, unknown> = {}) => ({
    iss: ISSUER,
    aud: AUDIENCE,
    sub: integration.id,
    client_id: integration.id,
    scope: 'users:read',
    jti: `forged-${Math.random()}`,
    ...overrides,
  });
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  async function signed(overrides: Record<string, unknown> = {}, expiresIn: string | number = '5m') {
    const { kid, alg, key } = await serverKey();
    return new SignJWT(claims(overrides))
      .setProtectedHeader({ alg, kid, typ: 'at+jwt' })
      .setIssuedAt()
      .setExpirationTime(expiresIn)
      .sign(key);
  }
  const refused = async (token: string) => {
    const res = await withToken(t.app, token, USERS);
    expect(res.statusCode, token).toBe(401);
    expect(res.headers['www-authenticate']).toContain('invalid_token');
  };

  it('accepts a correctly made token (the control: the harness itself is sound)', async () => {
    expect((await withToken(t.app, await signed(), USERS)).statusCode).toBe(200);
  });

  it('refuses a token it already accepted once it expires, and once it is revoked', async () => {
    const shortLived = await signed({}, Math.floor(Date.now() / 1000) + 2);
    expect((await withToken(t.app, shortLived, USERS)).statusCode).toBe(200);
    // Its signature is remembered now: expiry is still checked on every use.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    await refused(shortLived);
    // And revocation is looked up every time.
    const revokedLater = await signed({ jti: `revoked-${Math.random()}` });
    expect((await withToken(t.app, revokedLater, USERS)).statusCode).toBe(200);
    const { jti, exp } = jwtClaims(revokedLater) as { jti: string; exp: number };
    await db()
      .transaction()
      .execute((trx) => markAccessTokenRevoked(trx, { jti, client_id: integration.id, exp }));
    await refused(revokedLater);
  });

  it('refuses alg none', async () => {
    const { kid } = await serverKey();
    const now = Math.floor(Date.now() / 1000);
    await refused(
      `${b64({ alg: 'none', typ: 'at+jwt', kid })}.${b64(claims({ iat: now, exp: now + 300 }))}.`,
    );
  });

  it('refuses HS256 signed with the public key', async () => {
    const { kid, publicJwk } = await serverKey();
    const now = Math.floor(Date.now() / 1000);
    const input = `${b64({ alg: 'HS256', typ: 'at+jwt', kid })}.${b64(claims({ iat: now, exp: now + 300 }))}`;
    for (const secret of [JSON.stringify(publicJwk), Buffer.from(publicJwk.x, 'base64url')]) {
      await refused(`${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`);
    }
  });

  it('refuses a wrong audience, a wrong issuer, an expired token and one not yet valid', async () => {
    await refused(await signed({ aud: 'https://elsewhere.example/api' }));
    await refused(await signed({ iss: 'https://evil.example/oauth' }));
    await refused(await signed({}, Math.floor(Date.now() / 1000) - 120));
    await refused(await signed({ nbf: Math.floor(Date.now() / 1000) + 3600 }));
  });

  it('refuses a tampered payload', async () => {
    const [header, , signature] = (await issue()).split('.');
    const now = Math.floor(Date.now() / 1000);
    await refused(
      `${header}.${b64(claims({ scope: 'users:read audit:read', iat: now, exp: now + 300 }))}.${signature}`,
    );
  });

  it('refuses an unknown kid, even correctly signed with its own key', async () => {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'EdDSA', kid: 'not-one-of-ours', typ: 'at+jwt' })
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    await refused(token);
  });
});
