import { type Kysely, type RawBuilder, sql } from 'kysely';

/**
 * The team's text-index steps on generic plans. ticket_search_team_subjects and
 * ticket_search_team_documents (202612061600, 202612061410) walk the newest tickets and turn to
 * the text index for what is rare, and ran that last step with EXECUTE so it was planned for the
 * query at hand. For the team the plan is always the same: a bitmap scan of the text index (the
 * walk has already handled words common enough for anything else to pay), and parsing and planning
 * it cost 0.1 to 0.16 ms of a 0.2 to 0.7 ms step, on every rare-word search twice (subjects and
 * documents) and on every two-word search whose subject hits are rare (bench/README.md). Here the
 * step is static SQL, planned once per connection like the walks; the function-level
 * `plan_cache_mode = force_generic_plan` keeps it that way. The number condition stays outside the
 * materialized CTE, so it cannot turn the step back into a walk.
 *
 * A customer's steps keep EXECUTE: a customer's tickets are few, and for them the planner rightly
 * chooses between walking their tickets and the index per query.
 *
 * Both functions come from one generator here (they differ in what they read and whether they
 * rank), so a later change to the algorithm changes both. `down` builds the EXECUTE versions.
 */
interface Kind {
  name: string;
  returns: RawBuilder<unknown>;
  /** The declarations beyond the walk's own. */
  declare: RawBuilder<unknown>;
  /** Appends to the hits the `want` newest of `rows` (number, key and vector) that match. */
  collect: (rows: RawBuilder<unknown>, want: RawBuilder<unknown>) => RawBuilder<unknown>;
  /** The team's rows in number order, below `below`. */
  rows: (below: RawBuilder<unknown>) => RawBuilder<unknown>;
  /** The number of the `count`-th row below `below` (an index-only walk). */
  last: (below: RawBuilder<unknown>, count: RawBuilder<unknown>) => RawBuilder<unknown>;
  /** The text-index step: the newest matching hits below `lowest`, as static SQL or EXECUTE. */
  rare: { generic: RawBuilder<unknown>; planned: RawBuilder<unknown> };
  result: RawBuilder<unknown>;
}

function teamSearch(kind: Kind, plan: 'generic' | 'planned') {
  const below = sql`and lowest > number`;
  return sql`
    create or replace function ${sql.raw(kind.name)}(q tsquery, per_kind integer)
    returns ${kind.returns} language plpgsql stable
    set search_path = public set plan_cache_mode = force_generic_plan as $fn$
    declare
      window_size constant integer := per_kind * 4;
      hits uuid[] := '{}';
      ${kind.declare}
      lowest bigint;
      further integer;
    begin
      ${kind.collect(kind.rows(sql``), sql`window_size`)};
      if cardinality(hits) < per_kind then
        lowest := ${kind.last(sql``, sql`window_size`)};
        if lowest is not null and cardinality(hits) * 25 >= window_size then
          further := greatest(window_size,
            ceil(2.0 * (per_kind - cardinality(hits)) * window_size / cardinality(hits)));
          ${kind.collect(kind.rows(below), sql`further`)};
          lowest := case when cardinality(hits) < per_kind then ${kind.last(below, sql`further`)} end;
        end if;
        if lowest is not null then
          ${kind.rare[plan]};
        end if;
      end if;
      ${kind.result};
    end $fn$`;
}

const SUBJECTS: Kind = {
  name: 'ticket_search_team_subjects',
  returns: sql`uuid[]`,
  declare: sql``,
  rows: (below) => sql`select t.id, t.number, t.search from tickets t where true ${below}`,
  collect: (rows, want) => sql`
    select hits || coalesce(array_agg(m.id), '{}') into hits
    from (select w.id from (${rows} order by number desc limit ${want}) w
      where w.search @@ q order by w.number desc limit per_kind - cardinality(hits)) m`,
  last: (below, count) => sql`(
    select t.number from tickets t where true ${below} order by t.number desc offset ${count} - 1 limit 1)`,
  rare: {
    generic: sql`
      hits := hits || array(with matching as materialized (
          select t.id, t.number from tickets t where t.search @@ q)
        select f.id from matching f where f.number < lowest
        order by f.number desc limit per_kind - cardinality(hits))`,
    planned: sql`
      execute $q$with matching as materialized (
          select t.id, t.number from tickets t where true and t.search @@ $1)
        select $4 || array(select f.id from matching f where f.number < $2
          order by f.number desc limit $3)$q$
        into hits using q, lowest, per_kind - cardinality(hits), hits`,
  },
  result: sql`return hits`,
};

const DOCUMENTS: Kind = {
  name: 'ticket_search_team_documents',
  returns: sql`table (ticket_id uuid, rank real)`,
  declare: sql`ranks real[] := '{}';`,
  rows: (below) => sql`
    select d.ticket_id, d.number, d.doc from ticket_search_documents d where d.audience = 'team' ${below}`,
  collect: (rows, want) => sql`
    select hits || coalesce(array_agg(m.ticket_id), '{}'), ranks || coalesce(array_agg(m.r), '{}')
    into hits, ranks
    from (select w.ticket_id, ts_rank(w.doc, q, 32) as r
      from (${rows} order by number desc limit ${want}) w
      where w.doc @@ q order by w.number desc limit per_kind - cardinality(hits)) m`,
  last: (below, count) => sql`(
    select d.number from ticket_search_documents d where d.audience = 'team' ${below}
    order by d.number desc offset ${count} - 1 limit 1)`,
  rare: {
    generic: sql`
      select hits || coalesce(array_agg(d.ticket_id), '{}'),
        ranks || coalesce(array_agg(ts_rank(d.doc, q, 32)), '{}')
      into hits, ranks
      from (with matching as materialized (
          select d.ticket_id, d.number from ticket_search_documents d
          where d.audience = 'team' and d.doc @@ q)
        select f.ticket_id from matching f where f.number < lowest
        order by f.number desc limit per_kind - cardinality(hits)) n
      join ticket_search_documents d on d.ticket_id = n.ticket_id and d.audience = 'team'`,
    planned: sql`
      execute $q$with matching as materialized (
          select d.ticket_id, d.number from ticket_search_documents d
          where d.audience = 'team' and d.doc @@ $1),
        newest as (
          select f.ticket_id from matching f where f.number < $2 order by f.number desc limit $3)
        select $4 || coalesce(array_agg(d.ticket_id), '{}'),
          $5 || coalesce(array_agg(ts_rank(d.doc, $1, 32)), '{}')
        from newest n join ticket_search_documents d on d.ticket_id = n.ticket_id
        where d.audience = 'team'$q$
        into hits, ranks using q, lowest, per_kind - cardinality(hits), hits, ranks`,
  },
  result: sql`return query select h.id, h.r from unnest(hits, ranks) h (id, r)`,
};

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  await teamSearch(SUBJECTS, 'generic').execute(db);
  await teamSearch(DOCUMENTS, 'generic').execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  await teamSearch(SUBJECTS, 'planned').execute(db);
  await teamSearch(DOCUMENTS, 'planned').execute(db);
}
