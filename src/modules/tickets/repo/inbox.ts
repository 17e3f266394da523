import { type Kysely, sql } from 'kysely';
import type { DB } from '../../../platform/db/schema.js';
import { RECENTLY_RESOLVED_DAYS, VIEW_KINDS, type View } from '../list-filters.js';
import { inView } from './list.js';
import '../table.js';
import '../../../identity/users/table.js';

type TeamView = Exclude<View, 'mine'>;

/**
 * How many tickets each team-wide inbox view holds (listTickets' view rules), in one pass. The same
 * for every agent, so the list cache keeps one copy for all of them.
 */
export async function teamViewCounts(db: Kysely<DB>): Promise<Record<TeamView, number>> {
  const kind = (view: View) => sql`s.kind = any(${VIEW_KINDS[view]}::text[])`;
  const { rows } = await sql<Record<TeamView, string>>`
    select
      count(*) filter (where ${kind('unassigned')} and t.assignee_id is null) as unassigned,
      count(*) filter (where ${kind('open')}) as open,
      count(*) filter (where ${kind('waiting')}) as waiting,
      count(*) filter (where ${kind('resolved')}
        and t.resolved_at > now() - make_interval(days => ${RECENTLY_RESOLVED_DAYS})) as resolved
    from tickets t join ticket_statuses s on s.name = t.status
    where s.kind <> 'closed'`.execute(db);
  const row = rows[0]!;
  return {
    unassigned: Number(row.unassigned),
    open: Number(row.open),
    waiting: Number(row.waiting),
    resolved: Number(row.resolved),
  };
}

/** How many tickets the "mine" view holds for one agent (through the assignee index). */
export async function mineCount(db: Kysely<DB>, userId: string | null): Promise<{ mine: number }> {
  if (!userId) return { mine: 0 };
  const { rows } = await sql<{ mine: string }>`
    select count(*) as mine from tickets where assignee_id = ${userId} and ${inView('mine')}`.execute(db);
  return { mine: Number(rows[0]!.mine) };
}

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
