import type { Kysely } from 'kysely';
import type { DB } from '../../../platform/db/schema.js';
import type { MessageRow } from '../repo/messages.js';
import { listStatuses, type TicketRow } from '../repo/tickets.js';
import { ticketKey } from '../schemas.js';
import type { StatusKind } from '../table.js';

/** "2 Dec 2026, 14:05 UTC": dates on ticket pages, with the exact instant in <time datetime>. */
const WHEN = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC',
  timeZoneName: 'short',
});
/** The text is formatted only when a page shows it: a list of 20 tickets formatted 40 dates it never showed. */
export const when = (date: Date) => ({
  iso: date.toISOString(),
  get text() {
    return WHEN.format(date);
  },
});

export interface StatusInfo {
  label: string;
  kind: StatusKind;
}

/** The workflow's statuses by name (labels and what they mean), in workflow order. */
export async function statusTable(db: Kysely<DB>): Promise<Map<string, StatusInfo>> {
  const rows = await listStatuses(db);
  return new Map(rows.map((s) => [s.name, { label: s.label, kind: s.kind }]));
}

/** A ticket as its pages show it. */
export function presentTicketPage(ticket: TicketRow, statuses: Map<string, StatusInfo>) {
  const key = ticketKey(ticket.number);
  const status = statuses.get(ticket.status);
  return {
    id: ticket.id,
    key,
    subject: ticket.subject,
    status: ticket.status,
    statusLabel: status?.label ?? ticket.status,
    statusKind: status?.kind ?? 'open',
    /** Resolved or closed: nothing more is expected from the team. */
    done: status?.kind === 'resolved' || status?.kind === 'closed',
    priority: ticket.priority,
    channel: ticket.channel,
    tags: ticket.tags,
    version: ticket.version,
    created: when(ticket.created_at),
    updated: when(ticket.updated_at),
  };
}

/** A message as a thread shows it; `bodyHtml` is already sanitised Markdown. */
export const presentThreadMessage = (message: MessageRow) => ({
  id: message.id,
  author: message.author_name ?? 'Someone',
  authorId: message.author_id,
  bodyHtml: message.body_html,
  internal: message.visibility === 'internal',
  channel: message.channel,
  /** `queued`, `sent` or `failed` for a reply mailed out; `received` for everything else. */
  delivery: message.delivery_status,
  at: when(message.created_at),
});
