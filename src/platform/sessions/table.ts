import type { ColumnType } from 'kysely';

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  data: ColumnType<Record<string, unknown>, string, string>;
  ip: string | null;
  user_agent: string | null;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
}

declare module '../db/schema.js' {
  interface DB {
    sessions: SessionsTable;
  }
}
