import { type Kysely, type RawBuilder, sql } from 'kysely';

/**
 * ticket_search_candidates() over the search documents (202612061400_ticket_search_documents):
 * the newest `per_kind` tickets whose subject matches, and the newest `per_kind` whose document
 * matches (the team: the team documents; a customer: the public documents of their own tickets),
 * each with the rank of that document. A ticket now matches when all the words are anywhere in
 * it, no longer all in one message.
 *
 * It still runs as the owner, so the text indexes are usable (row-level security keeps the
 * non-leakproof `@@` from them), applies the same rules as the policies itself, and only
 * nominates: the search reads the tickets and messages it returns under the policies, so a
 * mistake here could lose hits but never show a hidden ticket. It returns the rank because the
 * app role may not read the documents.
 *
 * How the documents are searched is decided here, not by the planner: ANALYZE keeps word
 * frequencies only for words in more than about a third of the documents (a document holds ~100
 * words, and the sample's cut-off grows with that), so every other word, and one never seen, is
 * guessed at 0.5 %. On that guess the planner walked all 50,000 documents for `nosuchword`
 * (170 ms), and a bitmap over a common word reads tens of thousands of rows. Instead:
 *   1. walk the newest `per_kind * 4` documents in number order (a common word stops early);
 *   2. if they hold at least 1 hit in 25, walk on, at most twice as far as that rate says is
 *      needed and at least as far again (for a word in thousands of tickets that is cheaper than
 *      the text index, and a few hits short is no reason to turn to it);
 *   3. otherwise, or if still short, the word is rare: the text index finds all of it below where
 *      the walk stopped. EXECUTE plans that statement for the query at hand, and the materialized
 *      CTE keeps the number condition from turning it back into a walk.
 * The walks have fixed shapes (a LIMIT in a subquery is a fence the planner keeps), so they run
 * on generic plans, planned once per connection instead of on every search. Subjects are short
 * vectors whose word frequencies the planner knows: there EXECUTE lets it choose per query.
 */
interface Documents {
  name: string;
  /** Extra arguments after (q, per_kind). */
  args: RawBuilder<unknown>;
  /** Which documents, in the function's own SQL and in its EXECUTE text (parameters $6 on). */
  filter: RawBuilder<unknown>;
  executeFilter: string;
  executeArgs: RawBuilder<unknown>;
}

function documentSearch({ name, args, filter, executeFilter, executeArgs }: Documents) {
  // Appends to (hits, ranks) the next documents that match below `below`, walking at most `limit`.
  const walk = (below: RawBuilder<unknown>, limit: RawBuilder<unknown>) => sql`
    select hits || coalesce(array_agg(m.ticket_id), '{}'), ranks || coalesce(array_agg(m.r), '{}')
    into hits, ranks
    from (select w.ticket_id, ts_rank(w.doc, q, 32) as r
      from (select d.ticket_id, d.number, d.doc from ticket_search_documents d
        where ${filter} ${below} order by d.number desc limit ${limit}) w
      where w.doc @@ q order by w.number desc limit per_kind - cardinality(hits)) m`;
  // The number of the `count`-th document below `below` (an index-only walk).
  const last = (below: RawBuilder<unknown>, count: RawBuilder<unknown>) => sql`(
    select d.number from ticket_search_documents d where ${filter} ${below}
    order by d.number desc offset ${count} - 1 limit 1)`;
  const below = sql`and d.number < lowest`;
  return sql`
    create function ${sql.raw(name)}(q tsquery, per_kind integer${args})
    returns table (ticket_id uuid, rank real) language plpgsql stable rows 50
    set search_path = public set plan_cache_mode = force_generic_plan as $fn$
    declare
      window_size constant integer := per_kind * 4;
      hits uuid[] := '{}';
      ranks real[] := '{}';
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
          execute $q$with matching as materialized (
              select d.ticket_id, d.number from ticket_search_documents d
              where ${sql.raw(executeFilter)} and d.doc @@ $1),
            newest as (
              select f.ticket_id from matching f where f.number < $2 order by f.number desc limit $3)
            select $4 || coalesce(array_agg(d.ticket_id), '{}'),
              $5 || coalesce(array_agg(ts_rank(d.doc, $1, 32)), '{}')
            from newest n join ticket_search_documents d on d.ticket_id = n.ticket_id
            where ${sql.raw(executeFilter)}$q$
            into hits, ranks using q, lowest, per_kind - cardinality(hits), hits, ranks${executeArgs};
        end if;
      end if;
      return query select h.id, h.r from unnest(hits, ranks) h (id, r);
    end $fn$`;
}

const TEAM = documentSearch({
  name: 'ticket_search_team_documents',
  args: sql``,
  filter: sql`d.audience = 'team'`,
  executeFilter: `d.audience = 'team'`,
  executeArgs: sql``,
});
const PUBLIC = documentSearch({
  name: 'ticket_search_public_documents',
  args: sql`, requester uuid`,
  filter: sql`d.audience = 'public' and d.requester_id = requester`,
  // A customer's documents are few: the planner may walk them, so skip those walked already. (Not
  // for the team: there the number condition could lead it to walk every older document.)
  executeFilter: `d.audience = 'public' and d.requester_id = $6 and d.number < $2`,
  executeArgs: sql`, requester`,
});

/**
 * Ranks come with the documents found. Subject hits that are not among them come without one
 * (null): the search orders subject hits by how well the subject matches, which it reads from the
 * ticket anyway, so their documents are not read a second time (a third of a customer's search).
 */
const rankedCandidates = (documents: RawBuilder<unknown>) => sql`
  return query with docs as materialized (select h.ticket_id, h.rank from ${documents} h)
    select f.ticket_id, f.rank from docs f
    union all
    select s.id, null::real from unnest(ids) s (id) where s.id not in (select f.ticket_id from docs f)`;

const CANDIDATES = sql`
  create function ticket_search_candidates(q tsquery, per_kind integer)
  returns table (ticket_id uuid, rank real) language plpgsql stable security definer rows 100
  set search_path = public set plan_cache_mode = force_generic_plan as $fn$
  declare
    staff boolean := app_context() = 'system' or app_can('tickets:read:any');
    requester uuid := app_user_id();
    ids uuid[];
  begin
    if not staff and requester is null then return; end if;
    execute $q$select array(select t.id from tickets t
        where t.search @@ $1 and ($2 or t.requester_id = $3) order by t.number desc limit $4)$q$
      into ids using q, staff, requester, per_kind;
    if staff then
      ${rankedCandidates(sql`ticket_search_team_documents(q, per_kind)`)};
    else
      ${rankedCandidates(sql`ticket_search_public_documents(q, per_kind, requester)`)};
    end if;
  end $fn$`;

/** The function as 202612021600_ticket_indexes created it: hits in single messages. */
const OLD = sql`
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
  end $fn$`;

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  await TEAM.execute(db);
  await PUBLIC.execute(db);
  // Only ticket_search_candidates, which checks who is asking, calls them.
  await sql`revoke execute on function ticket_search_team_documents(tsquery, integer) from public`.execute(
    db,
  );
  await sql`revoke execute on function ticket_search_public_documents(tsquery, integer, uuid) from public`.execute(
    db,
  );
  // The result gains a column, which `create or replace` cannot do: drop and create, in one
  // transaction. (Callers that read only ticket_id keep working.)
  await sql`drop function ticket_search_candidates(tsquery, integer)`.execute(db);
  await CANDIDATES.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function ticket_search_candidates(tsquery, integer)`.execute(db);
  await OLD.execute(db);
  await sql`drop function ticket_search_public_documents(tsquery, integer, uuid)`.execute(db);
  await sql`drop function ticket_search_team_documents(tsquery, integer)`.execute(db);
}
