import { sql, type Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import { CHAIN_LOCK, type ChainedFields, GENESIS, KEYED, keyedHash, LEGACY } from './chain.js';
import { writeCheckpoint } from './checkpoint.js';
import { auditKeys } from './key.js';
import type { ActorType, Outcome } from './table.js';
import './table.js';

export interface AuditEntry {
  actor: { type: ActorType; id: string | null };
  action: string;
  target?: { type: string; id: string } | undefined;
  outcome: Outcome;
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
  details?: Record<string, unknown>;
}

const SECRET_KEY = /^(code|otp|credential|cookie|authorization)$|(password|passphrase|token|secret)$/i;

/** Details never carry secrets, whatever a caller passes: such keys are dropped at every level. */
export function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([key]) => !SECRET_KEY.test(key))
        .map(([key, v]) => [key, withoutSecrets(v)]),
    );
  }
  return value;
}

/**
 * Appends one event in the caller's transaction, so it commits (or not) with the change it
 * describes. The advisory lock, held to the end of that transaction, makes appends take turns:
 * each row's predecessor is the last committed row (or the purge anchor). Rows are keyed (chain
 * version 2); the first keyed row after unkeyed ones first signs a checkpoint of the last unkeyed
 * row, which seals that older part of the chain: from then on it cannot be re-hashed unnoticed.
 */
export async function recordAudit(trx: Transaction<DB>, entry: AuditEntry): Promise<void> {
  const key = auditKeys().chain;
  await sql`select pg_advisory_xact_lock(${CHAIN_LOCK})`.execute(trx);
  const last = await trx
    .selectFrom('audit_log')
    .select(['hash', 'chain_version'])
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const anchor = last
    ? undefined
    : await trx.selectFrom('audit_anchor').select('last_purged_hash').executeTakeFirst();
  const prev = last?.hash ?? anchor?.last_purged_hash ?? GENESIS;
  if (last?.chain_version === LEGACY) await writeCheckpoint(trx, 'head');
  const row: ChainedFields = {
    occurred_at: new Date(),
    actor_type: entry.actor.type,
    actor_id: entry.actor.id,
    action: entry.action,
    target_type: entry.target?.type ?? null,
    target_id: entry.target?.id ?? null,
    outcome: entry.outcome,
    ip: entry.ip ?? null,
    user_agent: entry.userAgent ?? null,
    request_id: entry.requestId ?? null,
    // Through JSON first, so the hash covers exactly what jsonb stores and returns (dates as strings).
    details: JSON.parse(JSON.stringify(withoutSecrets(entry.details ?? {}))) as Record<string, unknown>,
  };
  await trx
    .insertInto('audit_log')
    .values({
      ...row,
      actor_type: entry.actor.type,
      outcome: entry.outcome,
      details: JSON.stringify(row.details),
      prev_hash: prev,
      hash: keyedHash(key, prev, row),
      chain_version: KEYED,
    })
    .execute();
}
