import { type ColumnType, type Kysely, sql, type Transaction } from 'kysely';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { DB } from '../../../platform/db/schema.js';

interface OauthStoreTable {
  model: string;
  id: string;
  payload: AdapterPayload;
  grant_id: string | null;
  user_code: string | null;
  uid: string | null;
  expires_at: Date | null;
  consumed_at: Date | null;
  created_at: ColumnType<Date, never, never>;
}

declare module '../../../platform/db/schema.js' {
  interface DB {
    oauth_store: OauthStoreTable;
  }
}

/** Models whose rows a grant owns: revoking the grant removes them all (RFC 7009, refresh reuse). */
const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
]);

/**
 * RFC 9700 section 4.14.2 lets a rotated refresh token be used again for a short while: an app
 * whose two tabs, or whose retry after a lost answer, present the same token at once gets a fresh
 * pair each time instead of having its whole grant revoked (which signs the user out). Past this,
 * presenting it again is reuse and revokes the grant.
 */
export const REFRESH_REUSE_GRACE_MS = 5_000;

/**
 * oidc-provider's storage contract on PostgreSQL, so every node shares grants and tokens. Expired
 * rows read as absent (a daily job deletes them). `consume` marks a row once, in one statement: of
 * two requests presenting the same code at the same moment, exactly one gets through. A refresh
 * token reads as unused, and may be consumed again, for REFRESH_REUSE_GRACE_MS after its first use
 * (which stays the moment the grace is counted from).
 */
export class PostgresAdapter implements Adapter {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly model: string,
  ) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    const row = {
      model: this.model,
      id,
      payload: JSON.stringify(payload) as unknown as AdapterPayload,
      grant_id: GRANTABLE.has(this.model) ? (payload.grantId ?? null) : null,
      user_code: payload.userCode ?? null,
      uid: payload.uid ?? null,
      expires_at: expiresIn ? new Date(Date.now() + expiresIn * 1000) : null,
    };
    await this.db
      .insertInto('oauth_store')
      .values(row)
      .onConflict((c) =>
        c.columns(['model', 'id']).doUpdateSet({
          payload: row.payload,
          grant_id: row.grant_id,
          user_code: row.user_code,
          uid: row.uid,
          expires_at: row.expires_at,
        }),
      )
      .execute();
  }

  private async findWhere(
    column: 'id' | 'uid' | 'user_code',
    value: string,
  ): Promise<AdapterPayload | undefined> {
    const row = await this.db
      .selectFrom('oauth_store')
      .select(['payload', 'consumed_at'])
      .where('model', '=', this.model)
      .where(column, '=', value)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', new Date())]))
      .executeTakeFirst();
    if (!row) return undefined;
    const consumed = row.consumed_at && !this.inGrace(row.consumed_at);
    return {
      ...row.payload,
      ...(consumed ? { consumed: Math.floor(row.consumed_at!.getTime() / 1000) } : {}),
    };
  }

  private inGrace(consumedAt: Date): boolean {
    return this.model === 'RefreshToken' && Date.now() - consumedAt.getTime() < REFRESH_REUSE_GRACE_MS;
  }

  find = (id: string) => this.findWhere('id', id);
  findByUid = (uid: string) => this.findWhere('uid', uid);
  findByUserCode = (userCode: string) => this.findWhere('user_code', userCode);

  async consume(id: string): Promise<void> {
    const now = new Date();
    const done = await this.db
      .updateTable('oauth_store')
      .set({ consumed_at: sql<Date>`coalesce(consumed_at, ${now})` })
      .where('model', '=', this.model)
      .where('id', '=', id)
      .where((eb) =>
        this.model === 'RefreshToken'
          ? eb.or([
              eb('consumed_at', 'is', null),
              eb('consumed_at', '>', new Date(now.getTime() - REFRESH_REUSE_GRACE_MS)),
            ])
          : eb('consumed_at', 'is', null),
      )
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) === 0) {
      // Loaded with the provider that called this adapter (provider.ts loads it on first use).
      const { errors } = await import('oidc-provider');
      throw new errors.InvalidGrant(`${this.model} was already used`);
    }
  }

  async destroy(id: string): Promise<void> {
    await this.db.deleteFrom('oauth_store').where('model', '=', this.model).where('id', '=', id).execute();
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.db.deleteFrom('oauth_store').where('grant_id', '=', grantId).execute();
  }
}

/** Removes rows past their expiry (a daily job). */
export async function deleteExpiredOauthRows(db: Kysely<DB> | Transaction<DB>, now: Date): Promise<number> {
  const result = await db.deleteFrom('oauth_store').where('expires_at', '<', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
