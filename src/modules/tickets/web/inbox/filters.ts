import { formField } from '../../../../web/forms.js';
import { SORTS, type Sort, type TicketFilters, VIEWS, type View } from '../../list-filters.js';
import { CHANNELS, type Channel, PRIORITIES, type Priority } from '../../table.js';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TAG = /^[a-z0-9][a-z0-9_.-]{0,39}$/;

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
export function parseInboxQuery(query: unknown, statuses: readonly string[]): InboxQuery {
  const values = Object.fromEntries(FIELDS.map((f) => [f, formField(query, f)])) as InboxValues;
  const errors: Record<string, string> = {};
  const filters: TicketFilters = {};
  const refuse = (field: string, message: string) => {
    errors[field] = message;
  };
  const view = values.view || 'open';
  if (view !== 'all' && !VIEWS.includes(view as View)) refuse('view', 'Choose one of the views.');
  else if (view !== 'all') filters.view = view as View;
  if (values.status && !statuses.includes(values.status)) refuse('status', 'Choose a status from the list.');
  else if (values.status) filters.status = [values.status];
  if (values.priority && !PRIORITIES.includes(values.priority as Priority))
    refuse('priority', 'Choose a priority from the list.');
  else if (values.priority) filters.priority = [values.priority as Priority];
  if (values.category && !UUID.test(values.category)) refuse('category', 'Choose a category from the list.');
  else if (values.category) filters.categoryId = values.category;
  const assignee = values.assignee;
  if (assignee && !['me', 'none'].includes(assignee) && !UUID.test(assignee))
    refuse('assignee', 'Choose an assignee from the list.');
  else if (assignee) filters.assignee = assignee;
  if (values.channel && !CHANNELS.includes(values.channel as Channel))
    refuse('channel', 'Choose a channel from the list.');
  else if (values.channel) filters.channel = values.channel as Channel;
  const tag = values.tag.toLowerCase();
  if (tag && !TAG.test(tag)) refuse('tag', 'A tag is letters, digits, ., - or _.');
  else if (tag) filters.tag = tag;
  const from = values.from && date(values.from);
  if (from === null) refuse('from', 'Give the date as YYYY-MM-DD.');
  else if (from) filters.createdFrom = new Date(`${from}T00:00:00Z`);
  const to = values.to && date(values.to);
  if (to === null) refuse('to', 'Give the date as YYYY-MM-DD.');
  // "To" includes that whole day.
  else if (to) filters.createdTo = new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000);
  if (values.sort && !SORTS.includes(values.sort as Sort)) refuse('sort', 'Choose an order from the list.');
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
