import { type Kysely, sql } from 'kysely';
import type { DB } from '../../../platform/db/schema.js';
import { type TicketFilters, VIEWS, type View } from '../list-filters.js';
import type { ReadScope } from '../policy.js';
import { filterConditions, viewConditions } from './list.js';
import '../table.js';
import '../../../identity/users/table.js';

/** Display names for a page's worth of user ids (readable by anyone who shares a thread with them). */
export async function displayNames(db: Kysely<DB>, ids: readonly (string | null)[]) {
  const unique = [...new Set(ids.filter((id): id is string => Boolean(id)))];
  const names = new Map<string, string>();
  if (unique.length === 0) return names;
  const { rows } = await sql<{ id: string; name: string | null }>`
    select u.id, user_display_name(u.id) as name from unnest(${unique}::uuid[]) as u(id)`.execute(db);
  for (const row of rows) names.set(row.id, row.name ?? 'Unknown');
  return names;
}

/** Who asked: shown beside the thread so the agent knows whom they answer. */
export const requesterInfo = (db: Kysely<DB>, id: string) =>
  db
    .selectFrom('users')
    .select(['id', 'display_name', 'email', 'company', 'phone', 'created_at'])
    .where('id', '=', id)
    .executeTakeFirst();

/**
 * How many tickets each inbox view holds under these filters (the view itself left out), in one
 * pass with the list's own conditions; `all` is every ticket the filters match.
 */
export async function filteredViewCounts(
  db: Kysely<DB>,
  scope: ReadScope,
  filters: TicketFilters,
): Promise<Record<View | 'all', number>> {
  const { view: _, ...rest } = filters;
  const where = filterConditions(scope, rest);
  const countOf = (view: View) =>
    sql`count(*) filter (where ${sql.join(viewConditions(scope, view), sql` and `)})`;
  const { rows } = await sql<Record<View | 'all', string>>`
    select ${sql.join(VIEWS.map((v) => sql`${countOf(v)} as ${sql.ref(v)}`))}, count(*) as "all"
    from tickets where ${where.length ? sql.join(where, sql` and `) : sql`true`}`.execute(db);
  const row = rows[0]!;
  return Object.fromEntries([...VIEWS, 'all'].map((v) => [v, Number(row[v as View])])) as Record<
    View | 'all',
    number
  >;
}

/**
 * Of these tickets, those whose newest public message is the requester's: the customer spoke last
 * and waits for the team (the inbox marks them).
 */
export async function customerSpokeLast(db: Kysely<DB>, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { rows } = await sql<{ id: string }>`
    select t.id from tickets t
    join lateral (select m.author_id from ticket_messages m
      where m.ticket_id = t.id and m.visibility = 'public' order by m.created_at desc limit 1) last on true
    where t.id = any(${ids}::uuid[]) and last.author_id = t.requester_id`.execute(db);
  return new Set(rows.map((r) => r.id));
}
