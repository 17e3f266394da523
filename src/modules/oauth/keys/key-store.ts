import { createPrivateKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../../platform/db/schema.js';
import { SealedBox } from '../../../platform/secrets/sealed-box.js';
import { generateSigningKey } from './generate.js';
import type { PublicJwk, SigningAlg } from './table.js';
import './table.js';

type Db = Kysely<DB> | Transaction<DB>;

export interface KeySettings {
  secretKey: string;
  alg: SigningAlg;
  /** How long a new key is published before it signs, so every verifier has fetched it (default 24 h). */
  leadSeconds: number;
  /** The longest a signed token lives: an old key stays published that much after it stops signing. */
  tokenTtlSeconds: number;
  /** Rotate when the signing key is older than this. */
  rotationDays: number;
}

/** Verifiers' clocks may be a little off; an old key stays this much longer. */
const SKEW_SECONDS = 60;
const box = (s: KeySettings) => new SealedBox(s.secretKey, 'signing-keys');
const later = (at: Date, seconds: number) => new Date(at.getTime() + seconds * 1000);

export interface KeyInfo {
  kid: string;
  alg: SigningAlg;
  createdAt: Date;
  activatesAt: Date;
  retiresAt: Date | null;
  state: 'pending' | 'signing' | 'retiring' | 'retired';
}

export async function listKeys(db: Db, now: Date): Promise<KeyInfo[]> {
  const rows = await db
    .selectFrom('signing_keys')
    .select(['kid', 'alg', 'created_at', 'activates_at', 'retires_at'])
    .orderBy('activates_at')
    .execute();
  const signing = rows.filter((r) => r.activates_at <= now).at(-1)?.kid;
  return rows.map((r) => ({
    kid: r.kid,
    alg: r.alg,
    createdAt: r.created_at,
    activatesAt: r.activates_at,
    retiresAt: r.retires_at,
    state:
      r.retires_at && r.retires_at <= now
        ? 'retired'
        : r.kid === signing
          ? 'signing'
          : r.activates_at > now
            ? 'pending'
            : 'retiring',
  }));
}

/** The JWKS: every key not yet retired, the pending one included (published before it signs). */
export async function publishedKeys(db: Db, now: Date): Promise<PublicJwk[]> {
  const rows = await db
    .selectFrom('signing_keys')
    .select('public_jwk')
    .where((eb) => eb.or([eb('retires_at', 'is', null), eb('retires_at', '>', now)]))
    .orderBy('activates_at', 'desc')
    .execute();
  return rows.map((r) => r.public_jwk);
}

/** The key that signs now: the most recently activated one. */
export async function currentSigningKey(
  db: Db,
  settings: KeySettings,
  now: Date,
): Promise<{ kid: string; alg: SigningAlg; privateKey: KeyObject } | undefined> {
  const row = await db
    .selectFrom('signing_keys')
    .select(['kid', 'alg', 'private_jwk_sealed'])
    .where('activates_at', '<=', now)
    .orderBy('activates_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return undefined;
  const jwk = JSON.parse(box(settings).open(row.private_jwk_sealed)) as JsonWebKey;
  return { kid: row.kid, alg: row.alg, privateKey: createPrivateKey({ key: jwk, format: 'jwk' }) };
}

async function insertKey(db: Db, settings: KeySettings, activatesAt: Date, now: Date): Promise<string> {
  const key = generateSigningKey(settings.alg);
  await db
    .insertInto('signing_keys')
    .values({
      kid: key.kid,
      alg: key.alg,
      public_jwk: JSON.stringify(key.publicJwk),
      private_jwk_sealed: box(settings).seal(JSON.stringify(key.privateJwk)),
      created_at: now,
      activates_at: activatesAt,
    })
    .execute();
  return key.kid;
}

/** Nodes starting together, or the CLI and the scheduled job, take turns on the key set. */
const lockKeys = (db: Transaction<DB>) => sql`select pg_advisory_xact_lock(7355609)`.execute(db);

/** First start: with no key at all there is nothing to wait for, so the first one signs at once. */
export async function ensureSigningKey(db: Transaction<DB>, settings: KeySettings, now: Date): Promise<void> {
  await lockKeys(db);
  const any = await db.selectFrom('signing_keys').select('kid').limit(1).executeTakeFirst();
  if (!any) await insertKey(db, settings, now, now);
}

export type RotationResult =
  | {
      rotated: true;
      kid: string;
      activatesAt: Date;
      previous: string | undefined;
      previousRetiresAt: Date | undefined;
    }
  | { rotated: false; reason: string; pending?: string };

/**
 * One rotation: a new key is published now and signs after the lead time; the key signing today
 * stops then and is withdrawn once the last token it could have signed has expired. A key already
 * waiting for its turn is left to finish (rotating again would only push it back).
 */
export async function rotateKeys(
  db: Transaction<DB>,
  settings: KeySettings,
  now: Date,
): Promise<RotationResult> {
  const keys = await listKeys(db, now);
  const pending = keys.find((k) => k.state === 'pending');
  if (pending)
    return {
      rotated: false,
      reason: `key ${pending.kid} is already waiting to sign from ${pending.activatesAt.toISOString()}`,
      pending: pending.kid,
    };
  const activatesAt = later(now, settings.leadSeconds);
  const kid = await insertKey(db, settings, activatesAt, now);
  const previous = keys.find((k) => k.state === 'signing');
  const previousRetiresAt = previous
    ? later(activatesAt, settings.tokenTtlSeconds + SKEW_SECONDS)
    : undefined;
  if (previous)
    await db
      .updateTable('signing_keys')
      .set({ retires_at: previousRetiresAt! })
      .where('kid', '=', previous.kid)
      .execute();
  return { rotated: true, kid, activatesAt, previous: previous?.kid, previousRetiresAt };
}

/** The scheduled check: rotates when the signing key is older than the rotation period. */
export async function rotateIfDue(
  db: Transaction<DB>,
  settings: KeySettings,
  now: Date,
): Promise<RotationResult> {
  await ensureSigningKey(db, settings, now);
  const signing = (await listKeys(db, now)).find((k) => k.state === 'signing');
  if (signing && now.getTime() - signing.activatesAt.getTime() < settings.rotationDays * 86_400_000)
    return { rotated: false, reason: `key ${signing.kid} is not due yet` };
  return rotateKeys(db, settings, now);
}

export const keySettings = (config: {
  SECRET_KEY?: string | undefined;
  OAUTH_SIGNING_ALG: SigningAlg;
  ACCESS_TOKEN_TTL_SECONDS: number;
  KEY_ROTATION_DAYS: number;
  KEY_ROTATION_LEAD_HOURS: number;
}): KeySettings => ({
  secretKey: config.SECRET_KEY!,
  alg: config.OAUTH_SIGNING_ALG,
  leadSeconds: Math.round(config.KEY_ROTATION_LEAD_HOURS * 3600),
  tokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
  rotationDays: config.KEY_ROTATION_DAYS,
});
