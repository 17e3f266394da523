import { type Kysely, sql } from 'kysely';
import type { DB } from '../../../platform/db/schema.js';
import { AppError } from '../../../shared/errors.js';
import {
  RECENTLY_RESOLVED_DAYS,
  type Sort,
  type TicketFilters,
  VIEW_KINDS,
  type View,
} from '../list-filters.js';
import type { ReadScope } from '../policy.js';
import { TICKET_COLUMNS, type TicketRow } from './tickets.js';

/**
 * A ticket's status is one of the view's kinds. As an array (computed once), not a join: the
 * planner then walks an index and stops after a page instead of sorting every open ticket
 * (bench/tickets.ts).
 */
export const inView = (view: View) =>
  sql<boolean>`tickets.status = any(array(select name from ticket_statuses where kind in (${sql.join(VIEW_KINDS[view])})))`;

/**
 * The cursor is the sort key and id of the last row seen. Pages continue strictly after it, so
 * tickets opened while someone pages through (which sort first under `-created`) never shift
 * later pages: no row is shown twice or skipped.
 */
const encodeCursor = (key: string, id: string) =>
  Buffer.from(JSON.stringify([key, id])).toString('base64url');
/** The sort key a cursor must carry: a ticket number, or PostgreSQL's text of a timestamp. */
const CURSOR_KEY: Record<Sort, RegExp> = {
  '-created': /^\d{1,18}$/,
  created: /^\d{1,18}$/,
  '-updated': /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/,
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A cursor of this sort, as this server wrote it; anything else (edited, another sort's) is a 400. */
function decodeCursor(cursor: string, sort: Sort): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (Array.isArray(value) && value.length === 2) {
      const [key, id] = value as unknown[];
      if (typeof key === 'string' && typeof id === 'string' && CURSOR_KEY[sort].test(key) && UUID.test(id))
        return [key, id];
    }
  } catch {}
  throw new AppError('validation_failed', 'The cursor is not one this server gave out.', {
    errors: [{ pointer: '/querystring/cursor', detail: 'Use the nextCursor of the previous page.' }],
  });
}

export async function listTickets(
  db: Kysely<DB>,
  scope: ReadScope,
  filters: TicketFilters,
  page: { limit: number; cursor?: string; sort?: Sort },
): Promise<{ items: TicketRow[]; nextCursor: string | null }> {
  const sort = page.sort ?? '-created';
  // The text form keeps PostgreSQL's microseconds, which a JavaScript Date would round away.
  let q = db
    .selectFrom('tickets')
    .select(TICKET_COLUMNS)
    .select(sql<string>`tickets.updated_at::text`.as('updated_key'));
  // A requester's scope lists their own tickets whatever they ask for.
  if (scope.requesterId !== null) q = q.where('tickets.requester_id', '=', scope.requesterId);
  else if (filters.requesterId) q = q.where('tickets.requester_id', '=', filters.requesterId);

  if (filters.view) q = q.where(inView(filters.view));
  if (filters.view === 'unassigned') q = q.where('tickets.assignee_id', 'is', null);
  if (filters.view === 'mine') q = q.where('tickets.assignee_id', '=', scope.userId);
  if (filters.view === 'resolved')
    q = q.where(
      'tickets.resolved_at',
      '>',
      sql<Date>`now() - make_interval(days => ${RECENTLY_RESOLVED_DAYS})`,
    );
  if (filters.status?.length) q = q.where('tickets.status', 'in', filters.status);
  if (filters.priority?.length) q = q.where('tickets.priority', 'in', filters.priority);
  if (filters.categoryId) q = q.where('tickets.category_id', '=', filters.categoryId);
  if (filters.assignee === 'none') q = q.where('tickets.assignee_id', 'is', null);
  else if (filters.assignee === 'me') q = q.where('tickets.assignee_id', '=', scope.userId);
  else if (filters.assignee) q = q.where('tickets.assignee_id', '=', filters.assignee);
  if (filters.channel) q = q.where('tickets.channel', '=', filters.channel);
  if (filters.tag) q = q.where('tickets.tags', '@>', sql<string[]>`array[${filters.tag}]::text[]`);
  if (filters.createdFrom) q = q.where('tickets.created_at', '>=', filters.createdFrom);
  if (filters.createdTo) q = q.where('tickets.created_at', '<', filters.createdTo);

  if (page.cursor) {
    const [key, id] = decodeCursor(page.cursor, sort);
    if (sort === '-updated')
      q = q.where(sql`(tickets.updated_at, tickets.id)`, '<', sql`(${key}::timestamptz, ${id}::uuid)`);
    else q = q.where('tickets.number', sort === 'created' ? '>' : '<', key);
  }
  q =
    sort === '-updated'
      ? q.orderBy('tickets.updated_at', 'desc').orderBy('tickets.id', 'desc')
      : q.orderBy('tickets.number', sort === 'created' ? 'asc' : 'desc');
  const rows = await q.limit(page.limit + 1).execute();
  const items = rows.slice(0, page.limit);
  const last = items.at(-1);
  const nextCursor =
    rows.length > page.limit && last
      ? encodeCursor(sort === '-updated' ? last.updated_key : String(last.number), last.id)
      : null;
  return { items: items.map(({ updated_key: _, ...ticket }) => ticket), nextCursor };
}
