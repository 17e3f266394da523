import type { TicketRow } from '../../repo/tickets.js';
import { ticketKey } from '../../schemas.js';
import type { Translate } from './page-text.js';

/** A `date` column: pg hands it over as a Date at local midnight (typed as its YYYY-MM-DD text). */
export const dayText = (day: unknown) =>
  day instanceof Date
    ? `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`
    : String(day);

export const minutesText = (t: Translate, minutes: number) => {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (!h) return t('tickets:ticket.time.m', { m });
  return m ? t('tickets:ticket.time.hm', { h, m }) : t('tickets:ticket.time.h', { h });
};

export interface Lookups {
  t: Translate;
  names: Map<string, string>;
  statusLabels: Map<string, string>;
  priorityLabels: Map<string, string>;
  categoryNames: Map<string, string>;
}

/** One row of the inbox list; `customerSpoke`: the newest message is the requester's. */
export const presentRow = (t: TicketRow, look: Lookups, customerSpoke = false) => ({
  id: t.id,
  version: t.version,
  key: ticketKey(t.number),
  href: `/inbox/${ticketKey(t.number)}`,
  subject: t.subject,
  requester: look.names.get(t.requester_id) ?? look.t('tickets:inbox.list.unknown'),
  assignee: t.assignee_id ? (look.names.get(t.assignee_id) ?? look.t('tickets:inbox.list.unknown')) : null,
  status: look.statusLabels.get(t.status) ?? t.status,
  statusName: t.status,
  priority: t.priority,
  priorityLabel: look.priorityLabels.get(t.priority) ?? t.priority,
  tags: t.tags,
  updatedAt: t.updated_at,
  createdAt: t.created_at,
  customerSpoke,
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
  const { t } = look;
  const none = t('tickets:ticket.events.none');
  const user = (id: string | null) =>
    id ? (look.names.get(id) ?? t('tickets:ticket.events.someone')) : t('tickets:ticket.events.nobody');
  const status = (s: string | null) => (s ? (look.statusLabels.get(s) ?? s) : none);
  const priority = (p: string | null) => (p ? (look.priorityLabels.get(p) ?? p) : none);
  const category = (id: string | null) =>
    id ? (look.categoryNames.get(id) ?? t('tickets:ticket.events.removedCategory')) : none;
  const change = (kind: string, from: string, to: string) => t(`tickets:ticket.events.${kind}`, { from, to });
  switch (e.kind) {
    case 'created':
    case 'reply':
    case 'note':
      return t(`tickets:ticket.events.${e.kind}`);
    case 'status':
      return change('status', status(e.from_value), status(e.to_value));
    case 'assignee':
      return e.to_value
        ? t('tickets:ticket.events.assigned', { name: user(e.to_value) })
        : t('tickets:ticket.events.unassigned', { name: user(e.from_value) });
    case 'priority':
      return change('priority', priority(e.from_value), priority(e.to_value));
    case 'category':
      return change('category', category(e.from_value), category(e.to_value));
    case 'tags':
      return change('tags', e.from_value || none, e.to_value || none);
    case 'participant_added':
    case 'mail_undelivered':
    case 'text_undelivered':
      return t(`tickets:ticket.events.${e.kind}`, { email: e.to_value ?? '' });
    case 'text_delivered':
      return t('tickets:ticket.events.text_delivered');
    case 'participant_removed':
      return t('tickets:ticket.events.participant_removed', { email: e.from_value ?? '' });
    case 'time_logged':
      return t('tickets:ticket.events.time_logged', { time: minutesText(t, Number(e.to_value)) });
    default:
      return e.kind;
  }
}

export const presentEvent = (e: EventRow, look: Lookups) => ({
  id: e.id,
  kind: e.kind,
  actor: e.actor_name ?? look.t('tickets:ticket.events.system'),
  text: describeEvent(e, look),
  at: e.created_at,
});

/** The ids a page's timeline names (assignees), so one lookup finds all their names. */
export const eventUserIds = (events: readonly EventRow[]) =>
  events.filter((e) => e.kind === 'assignee').flatMap((e) => [e.from_value, e.to_value]);
