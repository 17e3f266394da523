import type { Kysely, Selectable } from 'kysely';
import type { DB } from '../db/schema.js';
import type { SessionRecord, SessionStore } from './port.js';
import type { SessionsTable } from './table.js';
import './table.js';

const COLUMNS = [
  'id_hash',
  'user_id',
  'data',
  'ip',
  'user_agent',
  'created_at',
  'last_seen_at',
  'expires_at',
] as const;

function toRecord(row: Selectable<SessionsTable>): SessionRecord {
  return {
    idHash: row.id_hash,
    userId: row.user_id,
    data: row.data,
    ip: row.ip,
    userAgent: row.user_agent,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
  };
}

/** Sessions in PostgreSQL (no REDIS_URL). Expired rows are filtered on read and purged on write. */
export class PostgresSessionStore implements SessionStore {
  constructor(private readonly db: Kysely<DB>) {}

  async create(s: SessionRecord): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({
        id_hash: s.idHash,
        user_id: s.userId,
        data: JSON.stringify(s.data),
        ip: s.ip,
        user_agent: s.userAgent,
        created_at: s.createdAt,
        last_seen_at: s.lastSeenAt,
        expires_at: s.expiresAt,
      })
      .execute();
    // Opportunistic clean-up of this user's expired rows keeps the table from growing without a job.
    await this.db
      .deleteFrom('sessions')
      .where('user_id', '=', s.userId)
      .where('expires_at', '<=', new Date())
      .execute();
  }

  async get(idHash: string): Promise<SessionRecord | undefined> {
    const row = await this.db
      .selectFrom('sessions')
      .select(COLUMNS)
      .where('id_hash', '=', idHash)
      .where('expires_at', '>', new Date())
      .executeTakeFirst();
    return row && toRecord(row);
  }

  async touch(idHash: string, lastSeenAt: Date, data?: Record<string, unknown>): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({ last_seen_at: lastSeenAt, ...(data ? { data: JSON.stringify(data) } : {}) })
      .where('id_hash', '=', idHash)
      .execute();
  }

  async delete(idHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
  }

  async listByUser(userId: string): Promise<SessionRecord[]> {
    const rows = await this.db
      .selectFrom('sessions')
      .select(COLUMNS)
      .where('user_id', '=', userId)
      .where('expires_at', '>', new Date())
      .orderBy('created_at')
      .orderBy('id_hash')
      .execute();
    return rows.map(toRecord);
  }

  async deleteByUser(userId: string, keepIdHash?: string): Promise<number> {
    let query = this.db
      .deleteFrom('sessions')
      .where('user_id', '=', userId)
      .where('expires_at', '>', new Date());
    if (keepIdHash) query = query.where('id_hash', '!=', keepIdHash);
    const result = await query.executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async close(): Promise<void> {}
}
