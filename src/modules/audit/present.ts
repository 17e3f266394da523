import { csvRecord } from '../../shared/csv.js';
import type { AuditRow } from './repo.js';

export const presentAudit = (r: AuditRow) => ({
  id: String(r.id),
  occurredAt: r.occurred_at.toISOString(),
  actorType: r.actor_type,
  actorId: r.actor_id,
  action: r.action,
  targetType: r.target_type,
  targetId: r.target_id,
  outcome: r.outcome,
  ip: r.ip,
  userAgent: r.user_agent,
  requestId: r.request_id,
  details: r.details,
});

const CSV_COLUMNS = [
  'id',
  'occurredAt',
  'actorType',
  'actorId',
  'action',
  'targetType',
  'targetId',
  'outcome',
  'ip',
  'userAgent',
  'requestId',
  'details',
] as const;

export const CSV_HEADER = `${CSV_COLUMNS.join(',')}\r\n`;
export const csvLine = (r: AuditRow): string => {
  const p = presentAudit(r);
  return csvRecord(CSV_COLUMNS.map((c) => p[c]));
};
