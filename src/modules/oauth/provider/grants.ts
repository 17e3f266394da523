import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../../platform/db/schema.js';
import './adapter.js';

type Db = Kysely<DB> | Transaction<DB>;

/** The grants a user gave (to one client, when named) that have not expired: one query shape for all readers. */
export const liveGrants = (db: Db, userId: string, clientId?: string) => {
  let query = db
    .selectFrom('oauth_store')
    .where('model', '=', 'Grant')
    .where(sql<string>`payload->>'accountId'`, '=', userId)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', new Date())]));
  if (clientId !== undefined) query = query.where(sql<string>`payload->>'clientId'`, '=', clientId);
  return query;
};

/** Deletes grants and every token, code and refresh token they own. */
export async function deleteGrantsWithTokens(trx: Transaction<DB>, grantIds: string[]): Promise<void> {
  if (grantIds.length === 0) return;
  await trx.deleteFrom('oauth_store').where('grant_id', 'in', grantIds).execute();
  await trx.deleteFrom('oauth_store').where('model', '=', 'Grant').where('id', 'in', grantIds).execute();
}

/**
 * Revokes every grant a user gave to OAuth clients, with all their tokens: on logout, password
 * change or reset, and when an account is disabled. Refresh tokens stop working at once, and the
 * API refuses the grant's access tokens from the next request (it checks the grant is live).
 */
export async function revokeGrantsOfUser(trx: Transaction<DB>, userId: string): Promise<number> {
  const grants = await trx
    .selectFrom('oauth_store')
    .select('id')
    .where('model', '=', 'Grant')
    .where(sql<string>`payload->>'accountId'`, '=', userId)
    .execute();
  await deleteGrantsWithTokens(
    trx,
    grants.map((g) => g.id),
  );
  return grants.length;
}

/** The newest live grant a user gave a client: consent already given, across browser sessions. */
export async function findLatestGrantId(
  db: Kysely<DB>,
  userId: string,
  clientId: string,
): Promise<string | undefined> {
  const row = await liveGrants(db, userId, clientId)
    .select('id')
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
  const row = await liveGrants(db, userId, clientId)
    .select('id')
    .where('id', '=', grantId)
    .executeTakeFirst();
  return row !== undefined;
}
