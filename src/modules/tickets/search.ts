import { type Kysely, sql } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import { seesAll, type TicketActor } from './policy.js';
import type { TicketRow } from './repo.js';

/** Markers ts_headline puts around hits; the text is HTML-escaped before they become <mark>. */
const START = '\u0001';
const STOP = '\u0002';
const HEADLINE = `StartSel=${START}, StopSel=${STOP}, MaxWords=30, MinWords=10, MaxFragments=2`;
/**
 * How many of the newest subject hits, and of the newest tickets with a message hit, are ranked.
 * A rare word has fewer and all of them are ranked; a word in thousands of tickets costs no more
 * than this many (see the ticket_indexes migration).
 */
const WINDOW = 50;

export interface SearchHit {
  ticket: Omit<TicketRow, 'search'>;
  rank: number;
  /** Safe HTML: the subject and the best-matching message, hits wrapped in <mark>. */
  subjectHtml: string;
  snippetHtml: string | null;
}

const escapeHtml = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
const highlight = (text: string) => escapeHtml(text).replaceAll(START, '<mark>').replaceAll(STOP, '</mark>');

/**
 * Full-text search over tickets and their messages, best first. Words are matched in the
 * instance's search language (stemmed) and, as a fallback, as typed (`simple`). A subject hit
 * (weight A) outranks a hit in a message (weight B). A customer searches their own tickets and
 * public messages only; the team searches everything, internal notes included. Ranked are the
 * newest WINDOW tickets with a subject hit and the newest WINDOW with a message hit.
 */
export async function searchTickets(
  db: Kysely<DB>,
  actor: TicketActor,
  text: string,
  options: { language: string; limit: number },
): Promise<SearchHit[]> {
  const query = sql`(websearch_to_tsquery(${options.language}::regconfig, ${text}) || websearch_to_tsquery('simple', ${text}))`;
  const all = seesAll(actor);
  const visible = all ? sql`true` : sql`m.visibility = 'public'`;
  const own = all
    ? sql`true`
    : sql`t.requester_id = ${actor.userId ?? '00000000-0000-0000-0000-000000000000'}::uuid`;
  // The candidates come from a function that uses the text indexes (the policies keep `@@` from
  // them); what it returns is read here under the policies, like any other query.
  const { rows } = await sql<
    Omit<TicketRow, 'search'> & { rank: number; subject_headline: string; body_headline: string | null }
  >`
    with q as materialized (select ${query} as q),
    hits as materialized (
      select distinct h.ticket_id
      from q cross join ticket_search_candidates(q.q, ${Math.max(WINDOW, options.limit)}) h
    ),
    candidates as (
      select t.id, ts_rank(t.search, q.q) + coalesce((select max(ts_rank(m.search, q.q))
          from ticket_messages m where m.ticket_id = t.id and m.search @@ q.q and ${visible}), 0) as rank
      from q cross join hits h join tickets t on t.id = h.ticket_id
      where ${own}
      order by rank desc, t.number desc
      limit ${options.limit}
    )
    select t.id, t.number, t.subject, t.requester_id, t.assignee_id, t.operator_id, t.category_id,
      t.priority, t.status, t.channel, t.tags, t.version, t.created_at, t.updated_at, t.resolved_at,
      t.closed_at, c.rank::float8 as rank,
      ts_headline(t.language, t.subject, q.q, ${HEADLINE}) as subject_headline,
      (select ts_headline(m.language, m.body, q.q, ${HEADLINE}) from ticket_messages m
        where m.ticket_id = t.id and m.search @@ q.q and ${visible}
        order by ts_rank(m.search, q.q) desc limit 1) as body_headline
    from candidates c join tickets t on t.id = c.id cross join q
    order by c.rank desc, t.number desc`.execute(db);
  return rows.map(({ rank, subject_headline, body_headline, ...ticket }) => ({
    ticket,
    rank,
    subjectHtml: highlight(subject_headline),
    snippetHtml: body_headline === null ? null : highlight(body_headline),
  }));
}
