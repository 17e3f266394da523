import type { ColumnType, Generated } from 'kysely';

export type ActorType = 'user' | 'system' | 'api_client' | 'cli' | 'anonymous';
export type Outcome = 'success' | 'failure' | 'denied';

export interface AuditLogTable {
  id: ColumnType<number, never, never>;
  occurred_at: Date;
  actor_type: ActorType;
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  outcome: Outcome;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  details: ColumnType<Record<string, unknown>, string, never>;
  prev_hash: Buffer;
  hash: Buffer;
}

export interface AuditAnchorTable {
  id: Generated<boolean>;
  last_purged_id: number;
  last_purged_hash: Buffer;
  purged_at: Date;
}

declare module '../../platform/db/schema.js' {
  interface DB {
    audit_log: AuditLogTable;
    audit_anchor: AuditAnchorTable;
  }
}
