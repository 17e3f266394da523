import type { ColumnType, Generated } from 'kysely';
import type { ChainVersion } from './chain.js';

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
  chain_version: ChainVersion;
}

export interface AuditAnchorTable {
  id: Generated<boolean>;
  last_purged_id: number;
  last_purged_hash: Buffer;
  purged_at: Date;
}

/** 'head': the newest row when it was signed; 'purge': the last row a retention purge removed. */
export type CheckpointKind = 'head' | 'purge';

/** Signed marks of the chain, outside audit_log; the app role may only add and read them. */
export interface AuditCheckpointTable {
  id: ColumnType<number, never, never>;
  kind: CheckpointKind;
  seq: number;
  hash: Buffer;
  made_at: Date;
  signature: Buffer;
}

/** The retention floor audit_purge() enforces; only the owner changes it. */
export interface AuditRetentionTable {
  id: Generated<boolean>;
  days: number;
}

declare module '../db/schema.js' {
  interface DB {
    audit_log: AuditLogTable;
    audit_anchor: AuditAnchorTable;
    audit_checkpoints: AuditCheckpointTable;
    audit_retention: AuditRetentionTable;
  }
}
