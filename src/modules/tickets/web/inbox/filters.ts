import { formField } from '../../../../web/forms.js';
import { SORTS, type Sort, type TicketFilters, VIEWS, type View } from '../../list-filters.js';
import { CHANNELS, type Channel, PRIORITIES, type Priority } from '../../table.js';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TAG = /^[a-z0-9][a-z0-9_.-]{0,39}$/;

type Translate = (key: string, options?: Record<string, unknown>) => string;

/** The inbox's GET form as typed (kept in the form and in every link), and what it means. */
export const FIELDS = [
  'view',
  'status',
  'priority',
  'category',
  'assignee',
  'channel',
  'tag',
  'from',
  'to',
  'sort',
  'q',
] as const;
export type InboxValues = Record<(typeof FIELDS)[number], string>;

export interface InboxQuery {
  values: InboxValues;
  view: View | 'all';
  filters: TicketFilters;
  sort: Sort;
  cursor?: string;
  errors: Record<string, string>;
}

const date = (value: string) => (DATE.test(value) && !Number.isNaN(Date.parse(value)) ? value : null);

/** Reads the inbox query leniently: every mistake is a message next to its filter, not a 500. */
export function parseInboxQuery(
  query: unknown,
  statuses: readonly string[],
  t: Translate,
  language: string,
): InboxQuery {
  const values = Object.fromEntries(FIELDS.map((f) => [f, formField(query, f)])) as InboxValues;
  const errors: Record<string, string> = {};
  const filters: TicketFilters = {};
  const refuse = (field: string, message: string) => {
    errors[field] = message;
  };
  const view = values.view || 'open';
  if (view !== 'all' && !VIEWS.includes(view as View)) refuse('view', t('tickets:inbox.errors.view'));
  else if (view !== 'all') filters.view = view as View;
  if (values.status && !statuses.includes(values.status)) refuse('status', t('tickets:inbox.errors.status'));
  else if (values.status) filters.status = [values.status];
  if (values.priority && !PRIORITIES.includes(values.priority as Priority))
    refuse('priority', t('tickets:inbox.errors.priority'));
  else if (values.priority) filters.priority = [values.priority as Priority];
  if (values.category && !UUID.test(values.category)) refuse('category', t('tickets:inbox.errors.category'));
  else if (values.category) filters.categoryId = values.category;
  const assignee = values.assignee;
  if (assignee && !['me', 'none'].includes(assignee) && !UUID.test(assignee))
    refuse('assignee', t('tickets:inbox.errors.assignee'));
  else if (assignee) filters.assignee = assignee;
  if (values.channel && !CHANNELS.includes(values.channel as Channel))
    refuse('channel', t('tickets:inbox.errors.channel'));
  else if (values.channel) filters.channel = values.channel as Channel;
  const tag = values.tag.toLowerCase();
  if (tag && !TAG.test(tag)) refuse('tag', t('tickets:inbox.errors.tag'));
  else if (tag) filters.tag = tag;
  const from = values.from && date(values.from);
  if (from === null) refuse('from', t('tickets:inbox.errors.date'));
  else if (from) filters.createdFrom = new Date(`${from}T00:00:00Z`);
  const to = values.to && date(values.to);
  if (to === null) refuse('to', t('tickets:inbox.errors.date'));
  // "To" includes that whole day.
  else if (to) filters.createdTo = new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000);
  if (values.sort && !SORTS.includes(values.sort as Sort)) refuse('sort', t('tickets:inbox.errors.sort'));
  const q = values.q.trim();
  if (q.length > 200) refuse('q', t('tickets:inbox.errors.q'));
  else if (q) filters.text = { query: q, language };
  const cursor = formField(query, 'cursor');
  return {
    values: { ...values, view },
    view: view as View | 'all',
    filters,
    sort: (SORTS.includes(values.sort as Sort) ? values.sort : '-updated') as Sort,
    ...(cursor ? { cursor } : {}),
    errors,
  };
}

/** The query string of the inbox with these values (empty ones left out), plus extras such as a cursor. */
export function inboxQueryString(values: Partial<InboxValues>, extra: Record<string, string> = {}): string {
  const entries = Object.entries({ ...values, ...extra }).filter(
    (e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '',
  );
  return new URLSearchParams(entries).toString();
}
