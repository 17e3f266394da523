import { type Kysely, type RawBuilder, sql } from 'kysely';

/**
 * Subject hits found the way document hits are (202612061410_ticket_search_candidates): walk the
 * newest tickets, and turn to the text index only for what is rare.
 *
 * ticket_search_candidates found the newest subject hits with one `order by number desc limit
 * 25` that the planner chose a plan for. For a pair of words that each fill thousands of subjects
 * but share a couple of hundred ("outlook crashes": 213 of 50,000 tickets), it estimates the
 * share right and still walks the number index, because its cost model prices the 213 scattered
 * rows of the text index as random disk reads: the walk read 8,316 tickets, 2.5 ms of a 3.5 ms
 * search, and made "outlook crashes", "slow laptop" and "vpn disconnecting" the tail of the team's
 * common-word searches (bench/README.md). Here, as for the documents:
 *   1. walk the newest `per_kind * 4` tickets (the team's, or the customer's own) in number order;
 *   2. if they hold at least 1 hit in 25, walk on, at most twice as far as that rate says is needed
 *      and at least as far again;
 *   3. otherwise, or if still short, the text index finds all hits below where the walk stopped,
 *      and the newest of them are kept.
 * The walks run on generic plans (fixed shapes); the text index statement is planned per query.
 */
interface Subjects {
  name: string;
  /** Extra arguments after (q, per_kind). */
  args: RawBuilder<unknown>;
  /** Which tickets, in the function's own SQL and in its EXECUTE text (parameters $4 on). */
  filter: RawBuilder<unknown>;
  executeFilter: string;
  executeArgs: RawBuilder<unknown>;
}

function subjectSearch({ name, args, filter, executeFilter, executeArgs }: Subjects) {
  // Appends to `hits` the next tickets whose subject matches below `below`, walking at most `limit`.
  const walk = (below: RawBuilder<unknown>, limit: RawBuilder<unknown>) => sql`
    select hits || coalesce(array_agg(m.id), '{}') into hits
    from (select w.id from (select t.id, t.number, t.search from tickets t
        where ${filter} ${below} order by t.number desc limit ${limit}) w
      where w.search @@ q order by w.number desc limit per_kind - cardinality(hits)) m`;
  // The number of the `count`-th ticket below `below` (an index-only walk).
  const last = (below: RawBuilder<unknown>, count: RawBuilder<unknown>) => sql`(
    select t.number from tickets t where ${filter} ${below}
    order by t.number desc offset ${count} - 1 limit 1)`;
  const below = sql`and t.number < lowest`;
  return sql`
    create function ${sql.raw(name)}(q tsquery, per_kind integer${args})
    returns uuid[] language plpgsql stable
    set search_path = public set plan_cache_mode = force_generic_plan as $fn$
    declare
      window_size constant integer := per_kind * 4;
      hits uuid[] := '{}';
      lowest bigint;
      further integer;
    begin
      ${walk(sql``, sql`window_size`)};
      if cardinality(hits) < per_kind then
        lowest := ${last(sql``, sql`window_size`)};
        if lowest is not null and cardinality(hits) * 25 >= window_size then
          further := greatest(window_size,
            ceil(2.0 * (per_kind - cardinality(hits)) * window_size / cardinality(hits)));
          ${walk(below, sql`further`)};
          lowest := case when cardinality(hits) < per_kind then ${last(below, sql`further`)} end;
        end if;
        if lowest is not null then
          -- Materialized, so the number condition cannot turn it back into a walk.
          execute $q$with matching as materialized (
              select t.id, t.number from tickets t where ${sql.raw(executeFilter)} and t.search @@ $1)
            select $4 || array(select f.id from matching f where f.number < $2
              order by f.number desc limit $3)$q$
            into hits using q, lowest, per_kind - cardinality(hits), hits${executeArgs};
        end if;
      end if;
      return hits;
    end $fn$`;
}

const TEAM = subjectSearch({
  name: 'ticket_search_team_subjects',
  args: sql``,
  filter: sql`true`,
  executeFilter: 'true',
  executeArgs: sql``,
});
const OWN = subjectSearch({
  name: 'ticket_search_own_subjects',
  args: sql`, requester uuid`,
  filter: sql`t.requester_id = requester`,
  // A customer's tickets are few: the planner may walk them, so skip those walked already.
  executeFilter: 't.requester_id = $5 and t.number < $2',
  executeArgs: sql`, requester`,
});

/** As 202612061410 ranks them: document hits with their rank, then the other subject hits. */
const rankedCandidates = (documents: RawBuilder<unknown>) => sql`
  return query with docs as materialized (select h.ticket_id, h.rank from ${documents} h)
    select f.ticket_id, f.rank from docs f
    union all
    select s.id, null::real from unnest(ids) s (id) where s.id not in (select f.ticket_id from docs f)`;

const candidates = (subjects: { team: RawBuilder<unknown>; own: RawBuilder<unknown> }) => sql`
  create or replace function ticket_search_candidates(q tsquery, per_kind integer)
  returns table (ticket_id uuid, rank real) language plpgsql stable security definer rows 100
  set search_path = public set plan_cache_mode = force_generic_plan as $fn$
  declare
    staff boolean := app_context() = 'system' or app_can('tickets:read:any');
    requester uuid := app_user_id();
    ids uuid[];
  begin
    if not staff and requester is null then return; end if;
    if staff then
      ${subjects.team};
      ${rankedCandidates(sql`ticket_search_team_documents(q, per_kind)`)};
    else
      ${subjects.own};
      ${rankedCandidates(sql`ticket_search_public_documents(q, per_kind, requester)`)};
    end if;
  end $fn$`;

// One statement for both, planned per query (the function as 202612061410 created it).
const PLANNED = sql`
  execute $q$select array(select t.id from tickets t
      where t.search @@ $1 and ($2 or t.requester_id = $3) order by t.number desc limit $4)$q$
    into ids using q, staff, requester, per_kind`;

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  await TEAM.execute(db);
  await OWN.execute(db);
  // Only ticket_search_candidates, which checks who is asking, calls them.
  await sql`revoke execute on function ticket_search_team_subjects(tsquery, integer) from public`.execute(db);
  await sql`revoke execute on function ticket_search_own_subjects(tsquery, integer, uuid) from public`.execute(
    db,
  );
  await candidates({
    team: sql`ids := ticket_search_team_subjects(q, per_kind)`,
    own: sql`ids := ticket_search_own_subjects(q, per_kind, requester)`,
  }).execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  await candidates({ team: PLANNED, own: PLANNED }).execute(db);
  await sql`drop function ticket_search_own_subjects(tsquery, integer, uuid)`.execute(db);
  await sql`drop function ticket_search_team_subjects(tsquery, integer)`.execute(db);
}
