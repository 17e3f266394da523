import { type Kysely, type RawBuilder, sql } from 'kysely';
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
import { tsQuery } from './search-query.js';
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

/** The rules of an inbox view (its statuses, its owner, how recent) as conditions on `tickets`. */
export function viewConditions(scope: ReadScope, view: View | undefined): RawBuilder<boolean>[] {
  if (!view) return [];
  const conditions = [inView(view)];
  if (view === 'unassigned') conditions.push(sql<boolean>`tickets.assignee_id is null`);
  if (view === 'mine') conditions.push(sql<boolean>`tickets.assignee_id = ${scope.userId}::uuid`);
  if (view === 'resolved')
    conditions.push(
      sql<boolean>`tickets.resolved_at > now() - make_interval(days => ${RECENTLY_RESOLVED_DAYS})`,
    );
  return conditions;
}

/**
 * The filters besides the view as conditions on `tickets`, shared by the list and the inbox's
 * counts (repo/inbox.ts), so a count always says how many rows its view would list.
 */
export function filterConditions(scope: ReadScope, filters: TicketFilters): RawBuilder<boolean>[] {
  const c: RawBuilder<boolean>[] = [];
  if (filters.status?.length) c.push(sql<boolean>`tickets.status in (${sql.join(filters.status)})`);
  if (filters.priority?.length) c.push(sql<boolean>`tickets.priority in (${sql.join(filters.priority)})`);
  if (filters.categoryId) c.push(sql<boolean>`tickets.category_id = ${filters.categoryId}::uuid`);
  if (filters.assignee === 'none') c.push(sql<boolean>`tickets.assignee_id is null`);
  else if (filters.assignee === 'me') c.push(sql<boolean>`tickets.assignee_id = ${scope.userId}::uuid`);
  else if (filters.assignee) c.push(sql<boolean>`tickets.assignee_id = ${filters.assignee}::uuid`);
  if (filters.channel) c.push(sql<boolean>`tickets.channel = ${filters.channel}`);
  if (filters.tag) c.push(sql<boolean>`tickets.tags @> array[${filters.tag}]::text[]`);
  if (filters.createdFrom) c.push(sql<boolean>`tickets.created_at >= ${filters.createdFrom}`);
  if (filters.createdTo) c.push(sql<boolean>`tickets.created_at < ${filters.createdTo}`);
  if (filters.text) {
    // Every word, in the subject or the messages the reader may see (the team's document holds
    // internal notes too).
    const q = tsQuery(filters.text.language, filters.text.query);
    const audience = scope.requesterId === null ? 'team' : 'public';
    c.push(sql<boolean>`(tickets.search @@ ${q} or exists (select 1 from ticket_search_documents d
      where d.ticket_id = tickets.id and d.audience = ${audience} and d.doc @@ ${q}))`);
  }
  return c;
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

  for (const condition of [...viewConditions(scope, filters.view), ...filterConditions(scope, filters)])
    q = q.where(condition);

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
