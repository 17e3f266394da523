import type { TicketRow } from '../../repo/tickets.js';
import { ticketKey } from '../../schemas.js';
import { when } from '../present.js';

/** A `date` column: pg hands it over as a Date at local midnight (typed as its YYYY-MM-DD text). */
export const dayText = (day: unknown) =>
  day instanceof Date
    ? `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`
    : String(day);

export const minutesText = (minutes: number) => {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h ? `${h} h${m ? ` ${m} min` : ''}` : `${m} min`;
};

export interface Lookups {
  names: Map<string, string>;
  statusLabels: Map<string, string>;
  categoryNames: Map<string, string>;
}

/** One row of the inbox list. */
export const presentRow = (t: TicketRow, look: Lookups) => ({
  id: t.id,
  version: t.version,
  key: ticketKey(t.number),
  href: `/inbox/${ticketKey(t.number)}`,
  subject: t.subject,
  requester: look.names.get(t.requester_id) ?? 'Unknown',
  assignee: t.assignee_id ? (look.names.get(t.assignee_id) ?? 'Unknown') : null,
  status: look.statusLabels.get(t.status) ?? t.status,
  priority: t.priority,
  tags: t.tags,
  updated: when(t.updated_at),
});

interface EventRow {
  id: string;
  kind: string;
  from_value: string | null;
  to_value: string | null;
  actor_name: string | null;
  created_at: Date;
}

/** What a timeline entry says, in words: ids become names, statuses their labels. */
export function describeEvent(e: EventRow, look: Lookups): string {
  const user = (id: string | null) => (id ? (look.names.get(id) ?? 'someone') : 'nobody');
  const status = (s: string | null) => (s ? (look.statusLabels.get(s) ?? s) : 'none');
  const category = (id: string | null) =>
    id ? (look.categoryNames.get(id) ?? 'a removed category') : 'none';
  const change = (what: string, from: string, to: string) => `changed ${what} from ${from} to ${to}`;
  switch (e.kind) {
    case 'created':
      return 'opened the ticket';
    case 'reply':
      return 'replied';
    case 'note':
      return 'added an internal note';
    case 'status':
      return change('the status', status(e.from_value), status(e.to_value));
    case 'assignee':
      return e.to_value ? `assigned it to ${user(e.to_value)}` : `unassigned ${user(e.from_value)}`;
    case 'priority':
      return change('the priority', e.from_value ?? 'none', e.to_value ?? 'none');
    case 'category':
      return change('the category', category(e.from_value), category(e.to_value));
    case 'tags':
      return change('the tags', e.from_value || 'none', e.to_value || 'none');
    case 'time_logged':
      return `logged ${minutesText(Number(e.to_value))}`;
    default:
      return e.kind;
  }
}

export const presentEvent = (e: EventRow, look: Lookups) => ({
  id: e.id,
  kind: e.kind,
  actor: e.actor_name ?? 'System',
  text: describeEvent(e, look),
  at: when(e.created_at),
});

/** The ids a page's timeline names (assignees), so one lookup finds all their names. */
export const eventUserIds = (events: readonly EventRow[]) =>
  events.filter((e) => e.kind === 'assignee').flatMap((e) => [e.from_value, e.to_value]);
