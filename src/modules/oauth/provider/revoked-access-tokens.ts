import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../../platform/db/schema.js';
import './adapter.js';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * Access tokens are JWTs the provider never stores, so revoking one (RFC 7009) leaves a marker
 * under its `jti` until it would have expired anyway; the daily clean-up removes it after that.
 * A user's token also loses its grant; an integration's (client credentials) has no grant, so
 * the marker is what stops it.
 */
const MODEL = 'RevokedAccessToken';

export async function markAccessTokenRevoked(
  trx: Transaction<DB>,
  token: { jti: string; client_id: string; exp?: number },
): Promise<void> {
  await trx
    .insertInto('oauth_store')
    .values({
      model: MODEL,
      id: token.jti,
      payload: JSON.stringify({ clientId: token.client_id }) as never,
      grant_id: null,
      user_code: null,
      uid: null,
      expires_at: token.exp ? new Date(token.exp * 1000) : null,
      consumed_at: null,
    })
    .onConflict((c) => c.columns(['model', 'id']).doNothing())
    .execute();
}

export async function accessTokenRevoked(db: Db, jti: string): Promise<boolean> {
  const row = await db
    .selectFrom('oauth_store')
    .select('id')
    .where('model', '=', MODEL)
    .where('id', '=', jti)
    .executeTakeFirst();
  return row !== undefined;
}
