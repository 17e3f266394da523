import { createPublicKey, sign, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  currentSigningKey,
  keySettings,
  listKeys,
  publishedKeys,
  rotateIfDue,
  rotateKeys,
} from '../../src/modules/oauth/keys/key-store.js';
import type { PublicJwk } from '../../src/modules/oauth/keys/table.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { runCli } from '../support/cli.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

const db = () => t.platform.database.db;
const settings = () => keySettings(t.config);
const at = (base: Date, seconds: number) => new Date(base.getTime() + seconds * 1000);
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A compact JWS with the key that signs at `now` (EdDSA: the signature covers header.payload). */
async function signToken(now: Date): Promise<string> {
  const key = (await currentSigningKey(db(), settings(), now))!;
  const input = `${b64({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })}.${b64({ sub: 'u1', iat: Math.floor(now.getTime() / 1000) })}`;
  return `${input}.${sign(null, Buffer.from(input), key.privateKey).toString('base64url')}`;
}

/** What a resource server does: find the token's kid in the JWKS it fetched, then check the signature. */
function verifyWith(jwks: PublicJwk[], token: string): boolean {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const { kid } = JSON.parse(Buffer.from(header, 'base64url').toString()) as { kid: string };
  const jwk = jwks.find((k) => k.kid === kid);
  if (!jwk) return false;
  const key = createPublicKey({ key: jwk as unknown as import('node:crypto').JsonWebKey, format: 'jwk' });
  return verify(null, Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url'));
}

describe('token signing keys', () => {
  it('the first start makes one sealed Ed25519 key, published at /oauth/jwks', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/oauth/jwks' });
    expect(res.statusCode).toBe(200);
    const { keys } = res.json() as { keys: PublicJwk[] };
    expect(keys).toEqual([expect.objectContaining({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' })]);
    expect(keys[0]).not.toHaveProperty('d');
    const row = await db().selectFrom('signing_keys').select('private_jwk_sealed').executeTakeFirstOrThrow();
    expect(row.private_jwk_sealed).not.toContain('Ed25519');
  });

  it('rotates: published before it signs, old tokens valid until they expire, then the old kid is refused', async () => {
    const s = settings();
    const t0 = new Date();
    const before = await signToken(t0);
    const oldKid = (await currentSigningKey(db(), s, t0))!.kid;

    const result = await db()
      .transaction()
      .execute((trx) => rotateKeys(trx, s, t0));
    expect(result.rotated).toBe(true);
    const newKid = result.rotated ? result.kid : '';
    // Published at once, but nothing is signed with it during the lead time.
    expect((await publishedKeys(db(), t0)).map((k) => k.kid)).toEqual([newKid, oldKid]);
    expect((await currentSigningKey(db(), s, at(t0, s.leadSeconds - 1)))!.kid).toBe(oldKid);
    const again = await db()
      .transaction()
      .execute((trx) => rotateKeys(trx, s, t0));
    expect(again).toMatchObject({ rotated: false, pending: newKid });

    // After the lead time the new key signs; a token signed just before is still verifiable.
    const switched = at(t0, s.leadSeconds + 1);
    expect((await currentSigningKey(db(), s, switched))!.kid).toBe(newKid);
    const lastOld = await signToken(at(t0, s.leadSeconds - 1));
    const stillPublished = await publishedKeys(db(), at(t0, s.leadSeconds + s.tokenTtlSeconds));
    expect(verifyWith(stillPublished, before)).toBe(true);
    expect(verifyWith(stillPublished, lastOld)).toBe(true);
    expect(verifyWith(stillPublished, await signToken(switched))).toBe(true);

    // Once every token the old key signed has expired, it is withdrawn and its tokens refused.
    const retired = await publishedKeys(db(), at(t0, s.leadSeconds + s.tokenTtlSeconds + 61));
    expect(retired.map((k) => k.kid)).toEqual([newKid]);
    expect(verifyWith(retired, lastOld)).toBe(false);
    const states = await listKeys(db(), at(t0, s.leadSeconds + s.tokenTtlSeconds + 61));
    expect(states.map((k) => [k.kid, k.state])).toEqual(
      expect.arrayContaining([
        [oldKid, 'retired'],
        [newKid, 'signing'],
      ]),
    );
  });

  it('the daily check rotates only when the signing key is older than the rotation period', async () => {
    const s = settings();
    const soon = at(new Date(), s.leadSeconds + 3600);
    expect(
      (
        await db()
          .transaction()
          .execute((trx) => rotateIfDue(trx, s, soon))
      ).rotated,
    ).toBe(false);
    const due = at(new Date(), s.rotationDays * 86_400 + s.leadSeconds + 3600);
    expect(
      (
        await db()
          .transaction()
          .execute((trx) => rotateIfDue(trx, s, due))
      ).rotated,
    ).toBe(true);
  });

  it('`switchboard keys rotate` publishes a key now and `keys list` shows the states', async () => {
    const env = { DATABASE_URL: t.database.url, SECRET_KEY: t.config.SECRET_KEY! };
    // The previous test left a key waiting: a second rotation says so and changes nothing.
    const waiting = await runCli(['keys', 'rotate'], env);
    expect(waiting.code).toBe(0);
    expect(waiting.stdout).toMatch(/^Nothing to do: key \S+ is already waiting to sign from /);
    await db().deleteFrom('signing_keys').where('activates_at', '>', new Date()).execute();
    const rotated = await runCli(['keys', 'rotate'], env);
    expect(rotated.stdout).toMatch(/^Published key (\S+); it signs from \d{4}-/);
    const list = await runCli(['keys', 'list'], env);
    expect(list.stdout).toMatch(/pending/);
    expect(list.stdout).toMatch(/signing/);
  }, 60_000);
});
