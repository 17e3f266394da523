import { createHash, randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../../platform/db/schema.js';
import './table.js';

/** Lifetimes from the accounts issue: verification 24 h; reset and magic link 15 min (ASVS 5.0 V6.3). */
export const TOKEN_PURPOSES = {
  verify_email: { ttlSeconds: 24 * 3600 },
  reset_password: { ttlSeconds: 15 * 60 },
  magic_link: { ttlSeconds: 15 * 60 },
  // An invitation waits for a person to notice it, so it lives longer; it only sets a first password.
  invitation: { ttlSeconds: 7 * 24 * 3600 },
} as const;

export type TokenPurpose = keyof typeof TOKEN_PURPOSES;

/**
 * 256 random bits (above ASVS 5.0 V7.2.3's 128-bit floor), sent to the user once, stored only as
 * SHA-256: a database leak yields no usable link. A plain hash suffices at this entropy; a slow
 * hash protects guessable secrets, not random ones.
 */
const hashToken = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/** Issues a token for `purpose`, retiring the user's earlier unused ones for the same purpose. */
export async function issueToken(
  trx: Transaction<DB>,
  userId: string,
  purpose: TokenPurpose,
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  const now = new Date();
  await trx
    .updateTable('one_time_tokens')
    .set({ used_at: now })
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .execute();
  await trx
    .insertInto('one_time_tokens')
    .values({
      token_hash: hashToken(token),
      user_id: userId,
      purpose,
      expires_at: new Date(now.getTime() + TOKEN_PURPOSES[purpose].ttlSeconds * 1000),
    })
    .execute();
  return token;
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** Retires every unused token of a user, whatever its purpose: links mailed before the owner took the account over. */
export async function retireTokensOfUser(trx: Transaction<DB>, userId: string): Promise<number> {
  const result = await trx
    .updateTable('one_time_tokens')
    .set({ used_at: new Date() })
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The user a live token belongs to, without using it up (a page deciding what to ask for). */
export async function peekToken(
  db: Kysely<DB> | Transaction<DB>,
  token: string,
  purpose: TokenPurpose,
): Promise<string | undefined> {
  if (!TOKEN_SHAPE.test(token)) return undefined;
  const row = await db
    .selectFrom('one_time_tokens')
    .select('user_id')
    .where('token_hash', '=', hashToken(token))
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date())
    .executeTakeFirst();
  return row?.user_id;
}

/**
 * Marks the token used and returns its user, in one statement: two concurrent uses of the same
 * link cannot both succeed. Wrong purpose, expired, used or unknown all answer undefined.
 */
export async function consumeToken(
  trx: Transaction<DB>,
  token: string,
  purpose: TokenPurpose,
): Promise<string | undefined> {
  if (!TOKEN_SHAPE.test(token)) return undefined;
  const row = await trx
    .updateTable('one_time_tokens')
    .set({ used_at: new Date() })
    .where('token_hash', '=', hashToken(token))
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date())
    .returning('user_id')
    .executeTakeFirst();
  return row?.user_id;
}
