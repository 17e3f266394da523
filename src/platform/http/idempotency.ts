import { createHash } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import { AppError } from '../../shared/errors.js';
import type { DB } from '../db/schema.js';

interface IdempotencyKeysTable {
  owner: string;
  key: string;
  request_hash: string;
  status: number;
  response: unknown;
  created_at: Date;
}

declare module '../db/schema.js' {
  interface DB {
    idempotency_keys: IdempotencyKeysTable;
  }
}

/** How long a key is remembered: long enough for any client's retries. */
const KEY_LIFETIME_HOURS = 24;
const KEY = /^[\x21-\x7e]{8,200}$/;

export interface Replay {
  status: number;
  body: unknown;
}

/**
 * `Idempotency-Key` on a create request (IETF draft-ietf-httpapi-idempotency-key-header): the first
 * request with a key runs `create` and its answer is stored in the same transaction; a retry with
 * the same key and the same body gets that answer again and creates nothing. The same key with a
 * different body is a client bug and is refused. Concurrent retries wait on the first one's row lock.
 */
export async function idempotent(
  trx: Transaction<DB>,
  owner: string,
  key: string | undefined,
  body: unknown,
  create: () => Promise<Replay>,
): Promise<Replay & { replayed: boolean }> {
  if (key === undefined) return { ...(await create()), replayed: false };
  if (!KEY.test(key))
    throw new AppError('validation_failed', 'Idempotency-Key must be 8–200 visible ASCII characters.', {
      errors: [{ pointer: '/headers/idempotency-key', detail: 'Use a random value such as a UUID.' }],
    });
  const hash = createHash('sha256')
    .update(JSON.stringify(body ?? null))
    .digest('hex');
  // Take the key first (or wait for whoever holds it), so two retries cannot both create.
  await sql`select pg_advisory_xact_lock(hashtext(${owner}), hashtext(${key}))`.execute(trx);
  const earlier = await trx
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'status', 'response'])
    .where('owner', '=', owner)
    .where('key', '=', key)
    .where('created_at', '>', sql<Date>`now() - make_interval(hours => ${KEY_LIFETIME_HOURS})`)
    .executeTakeFirst();
  if (earlier) {
    if (earlier.request_hash !== hash)
      throw new AppError('conflict', 'This Idempotency-Key was used for a different request.');
    return { status: earlier.status, body: earlier.response, replayed: true };
  }
  const result = await create();
  await trx
    .insertInto('idempotency_keys')
    .values({
      owner,
      key,
      request_hash: hash,
      status: result.status,
      response: JSON.stringify(result.body),
      created_at: new Date(),
    })
    .onConflict((c) =>
      c.columns(['owner', 'key']).doUpdateSet({
        request_hash: hash,
        status: result.status,
        response: JSON.stringify(result.body),
        created_at: new Date(),
      }),
    )
    .execute();
  return { ...result, replayed: false };
}
