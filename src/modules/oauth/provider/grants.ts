import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../../platform/db/schema.js';
import './adapter.js';

/**
 * Revokes every grant a user gave to OAuth clients, with all their tokens: on logout, password
 * change or reset, and when an account is disabled. Access tokens already issued are JWTs and stay
 * valid until they expire (ACCESS_TOKEN_TTL_SECONDS, 10 minutes by default); refresh tokens stop
 * working at once.
 */
export async function revokeGrantsOfUser(trx: Transaction<DB>, userId: string): Promise<number> {
  const grants = await trx
    .deleteFrom('oauth_store')
    .where('model', '=', 'Grant')
    .where(sql<string>`payload->>'accountId'`, '=', userId)
    .returning('id')
    .execute();
  const ids = grants.map((g) => g.id);
  if (ids.length > 0) await trx.deleteFrom('oauth_store').where('grant_id', 'in', ids).execute();
  return ids.length;
}

/** The newest live grant a user gave a client: consent already given, across browser sessions. */
export async function findLatestGrantId(
  db: Kysely<DB>,
  userId: string,
  clientId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('oauth_store')
    .select('id')
    .where('model', '=', 'Grant')
    .where(sql<string>`payload->>'accountId'`, '=', userId)
    .where(sql<string>`payload->>'clientId'`, '=', clientId)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', new Date())]))
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.id;
}

/** Whether a grant still exists for this user and client (not revoked, not expired). */
export async function grantIsLive(
  db: Kysely<DB>,
  grantId: string,
  userId: string,
  clientId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('oauth_store')
    .select('id')
    .where('model', '=', 'Grant')
    .where('id', '=', grantId)
    .where(sql<string>`payload->>'accountId'`, '=', userId)
    .where(sql<string>`payload->>'clientId'`, '=', clientId)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', new Date())]))
    .executeTakeFirst();
  return row !== undefined;
}
