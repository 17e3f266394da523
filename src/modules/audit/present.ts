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

/**
 * RFC 4180: every field quoted, quotes doubled, CRLF line ends. A leading = + - @ gets a `'` so a
 * spreadsheet shows the text instead of running it as a formula (OWASP CSV injection).
 */
function field(value: unknown): string {
  const text = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value ?? '');
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replaceAll('"', '""')}"`;
}

export const CSV_HEADER = `${CSV_COLUMNS.join(',')}\r\n`;
export const csvLine = (r: AuditRow): string => {
  const p = presentAudit(r);
  return `${CSV_COLUMNS.map((c) => field(p[c])).join(',')}\r\n`;
};
