import { type Kysely, sql } from 'kysely';

/**
 * What the ticket bench (bench/tickets.ts, 50,000 tickets, 500,000 messages) showed:
 *
 * 1. The ticket policies called app_context(), app_can() and app_user_id() for every row, which
 *    both cost ~4 µs a row and hid the actor from the planner: the inbox list scanned and sorted
 *    all tickets (300 ms). Wrapped in scalar subqueries they run once per query (an InitPlan), and
 *    the list walks the number index and stops after one page (0.4 ms). Same rules, same results.
 * 2. Under row-level security PostgreSQL applies no qual that is not leakproof before the policy,
 *    and the text-search match (`@@`) is not: the GIN indexes were never used, every search read
 *    all 500,000 messages. ticket_search_candidates() finds the matching tickets as the owner
 *    (no policy, so the indexes are used) and applies the same rules itself; the search query then
 *    reads those tickets and their messages under the policies as before, so a mistake here could
 *    at worst lose hits, never show a ticket the policies hide. It returns, per kind of hit
 *    (subject, visible message), the newest `per_kind` tickets (a ticket may come twice): a word
 *    in half the tickets costs a few hundred rows of work, a rare one an index lookup.
 * 3. Two inbox views had no index to stop early: "unassigned" (`assignee_id is null` does not let
 *    the planner read the assignee index in number order: it sorted 5,000 rows) and "recently
 *    resolved" (a scan of all tickets for a week of resolutions).
 */
const ANY = sql`(select app_context() = 'system' or app_can('tickets:read:any'))`;
const USER = sql`(select app_user_id())`;
const OLD_ANY = sql`app_context() = 'system' or app_can('tickets:read:any')`;

function policies(any: typeof ANY, user: typeof USER) {
  const own = sql`requester_id = ${user}`;
  const ownTicket = sql`exists (select 1 from tickets t where t.id = ticket_id and t.requester_id = ${user})`;
  const message = sql`${any} or (visibility = 'public' and ${ownTicket})`;
  return [
    sql`alter policy requester_or_staff on tickets using (${any} or ${own}) with check (${any} or ${own})`,
    sql`alter policy public_to_requester on ticket_messages using (${message}) with check (${message})`,
    sql`alter policy requester_or_staff on ticket_events using (${any} or ${ownTicket}) with check (${any} or ${ownTicket})`,
    sql`alter policy staff_only on time_entries using (${any}) with check (${any})`,
  ];
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of policies(ANY, USER)) await statement.execute(db);
  await sql`create index tickets_unassigned_idx on tickets (number desc) where assignee_id is null`.execute(
    db,
  );
  await sql`create index tickets_resolved_idx on tickets (resolved_at) where resolved_at is not null`.execute(
    db,
  );
  // EXECUTE plans every statement for the query at hand. The team's message hits walk down the
  // newest tickets (a common word has a hit every few tickets) and turn to the text index when the
  // newest `per_kind * 8` tickets hold fewer than `per_kind` hits: the word is rare, the index
  // finds all of it, and no estimate (for a word it has never seen the planner guesses 1 %) can
  // make it walk all 50,000 tickets. A customer's own tickets are few: the planner chooses.
  await sql`
    create function ticket_search_candidates(q tsquery, per_kind integer)
    returns table (ticket_id uuid) language plpgsql stable security definer rows 200
    set search_path = public as $fn$
    declare
      staff boolean := app_context() = 'system' or app_can('tickets:read:any');
      requester uuid := app_user_id();
      found integer;
    begin
      return query execute $q$select t.id from tickets t where t.search @@ $1 and ($2 or t.requester_id = $3)
        order by t.number desc limit $4$q$ using q, staff, requester, per_kind;
      if not staff then
        return query execute $q$select t.id from tickets t where t.requester_id = $2 and exists (
            select 1 from ticket_messages m
            where m.ticket_id = t.id and m.search @@ $1 and m.visibility = 'public')
          order by t.number desc limit $3$q$ using q, requester, per_kind;
        return;
      end if;
      return query execute $q$select t.id from (select id, number from tickets order by number desc limit $2) t
        where exists (select 1 from ticket_messages m where m.ticket_id = t.id and m.search @@ $1)
        order by t.number desc limit $3$q$ using q, per_kind * 8, per_kind;
      get diagnostics found = row_count;
      if found < per_kind then
        -- Materialized, so the planner cannot turn it back into a walk over every ticket.
        return query execute $q$with hits as materialized (
            select distinct m.ticket_id from ticket_messages m where m.search @@ $1)
          select t.id from hits h join tickets t on t.id = h.ticket_id
          order by t.number desc limit $2$q$ using q, per_kind;
      end if;
    end $fn$`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function ticket_search_candidates(tsquery, integer)`.execute(db);
  await sql`drop index tickets_resolved_idx`.execute(db);
  await sql`drop index tickets_unassigned_idx`.execute(db);
  for (const statement of policies(OLD_ANY, sql`app_user_id()`)) await statement.execute(db);
}
