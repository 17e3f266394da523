import type { Kysely, Selectable } from 'kysely';
import type { AuditLogTable, Outcome } from '../../platform/audit/table.js';
import type { DB } from '../../platform/db/schema.js';
import '../../platform/audit/table.js';

export interface AuditFilter {
  actor?: string;
  /** Exact, or a prefix when it ends in `*` (`auth.*`). */
  action?: string;
  targetType?: string;
  targetId?: string;
  outcome?: Outcome;
  from?: Date;
  to?: Date;
}

export type AuditRow = Omit<Selectable<AuditLogTable>, 'prev_hash' | 'hash' | 'chain_version'>;
const COLUMNS = [
  'id',
  'occurred_at',
  'actor_type',
  'actor_id',
  'action',
  'target_type',
  'target_id',
  'outcome',
  'ip',
  'user_agent',
  'request_id',
  'details',
] as const;

function filtered(db: Kysely<DB>, f: AuditFilter) {
  let q = db.selectFrom('audit_log').select(COLUMNS);
  if (f.actor) q = q.where('actor_id', '=', f.actor);
  if (f.action?.endsWith('*'))
    q = q.where('action', 'like', `${f.action.slice(0, -1).replace(/[\\%_]/g, '\\$&')}%`);
  else if (f.action) q = q.where('action', '=', f.action);
  if (f.targetType) q = q.where('target_type', '=', f.targetType);
  if (f.targetId) q = q.where('target_id', '=', f.targetId);
  if (f.outcome) q = q.where('outcome', '=', f.outcome);
  if (f.from) q = q.where('occurred_at', '>=', f.from);
  if (f.to) q = q.where('occurred_at', '<', f.to);
  return q;
}

/** Newest first, keyset-paginated on id (stable while new entries arrive); one extra row tells whether there is more. */
export function listAudit(
  db: Kysely<DB>,
  f: AuditFilter,
  limit: number,
  before?: number,
): Promise<AuditRow[]> {
  let q = filtered(db, f)
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (before !== undefined) q = q.where('id', '<', before);
  return q.execute();
}

/** Every matching entry, oldest first, a batch at a time (exports of any size in flat memory). */
export async function* streamAudit(db: Kysely<DB>, f: AuditFilter, batch = 1_000): AsyncGenerator<AuditRow> {
  let after = 0;
  for (;;) {
    const rows = await filtered(db, f).where('id', '>', after).orderBy('id').limit(batch).execute();
    yield* rows;
    if (rows.length < batch) return;
    after = rows[rows.length - 1]!.id;
  }
}
