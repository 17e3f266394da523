import { type Kysely, sql } from 'kysely';
import type { DB } from '../../../platform/db/schema.js';
import type { ReadScope } from '../policy.js';
import { anyOfTheWords, tsQuery } from './search-query.js';
import type { TicketRow } from './tickets.js';

/** Markers ts_headline puts around hits; the text is HTML-escaped before they become <mark>. */
const START = '\u0001';
const STOP = '\u0002';
const HEADLINE = `StartSel=${START}, StopSel=${STOP}, MaxWords=30, MinWords=10, MaxFragments=2`;
/** A subject is shown whole: a fragment of it drops words and punctuation from its ends. */
const WHOLE = `StartSel=${START}, StopSel=${STOP}, HighlightAll=true`;
/**
 * How many of the newest subject hits, and of the newest tickets whose text matches, are ranked
 * (at least a page of them). A rare word has fewer and all of them are ranked; a word in
 * thousands of tickets costs no more than this many (see the ticket_search_candidates
 * migration). 25 rather than 50 took a third off a common-word search for the busiest customer
 * (bench/README.md); a page is 20 hits.
 */
const WINDOW = 25;

export interface SearchHit {
  ticket: Omit<TicketRow, 'search'>;
  /**
   * The order of the hits: 1 plus the subject's rank (0 to 1) when the subject matches, else the
   * rank of the ticket's document (0 to 1).
   */
  rank: number;
  /** Safe HTML: the subject and the newest message holding a word, hits wrapped in <mark>. */
  subjectHtml: string;
  snippetHtml: string | null;
}

const escapeHtml = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
const highlight = (text: string) => escapeHtml(text).replaceAll(START, '<mark>').replaceAll(STOP, '</mark>');

/**
 * Full-text search over tickets, best first. A ticket is one document, its subject and its
 * messages: it matches when every word is somewhere in it (not necessarily in one message). Words
 * are matched in the instance's search language (stemmed) and, as a fallback, as typed. A ticket
 * whose subject matches comes before one that does not, the better subject match first; the
 * others by the rank of their document; ties newest first. The scope says whose tickets and
 * which messages (policy.ts readScope): a customer's own and public ones, or everything. The snippet
 * is the newest visible message holding at least one of the words (found from the newest down,
 * so it reads a message or two per hit instead of ranking the whole thread: a fifth of a
 * search's cost for a busy customer).
 */
export async function searchTickets(
  db: Kysely<DB>,
  scope: ReadScope,
  text: string,
  options: { language: string; limit: number },
): Promise<SearchHit[]> {
  const perKind = Math.max(WINDOW, options.limit);
  const visible = scope.requesterId === null ? sql`true` : sql`m.visibility = 'public'`;
  const own = scope.requesterId === null ? sql`true` : sql`t.requester_id = ${scope.requesterId}::uuid`;
  // The candidates and the rank of their documents (a subject hit is ranked by its subject) come
  // from a function that uses the text indexes (the policies keep `@@` from them); the tickets and
  // messages are read here under the policies, like any other query, so the function can
  // nominate but never reveal a ticket.
  const { rows } = await sql<
    Omit<TicketRow, 'search'> & { rank: number; subject_headline: string; body_headline: string | null }
  >`
    with q as materialized (
      select ${tsQuery(options.language, text)} as q,
        ${tsQuery(options.language, anyOfTheWords(text))} as any
    ),
    hits as materialized (
      select h.ticket_id, h.rank from q cross join ticket_search_candidates(q.q, ${perKind}) h
    ),
    ranked as (
      select t.id, t.number, t.subject, t.requester_id, t.assignee_id, t.operator_id, t.category_id,
        t.priority, t.status, t.channel, t.tags, t.version, t.created_at, t.updated_at, t.resolved_at,
        t.closed_at, t.language, t.search @@ q.q as subject_hit,
        case when t.search @@ q.q then ts_rank(t.search, q.q, 32) else h.rank end as rank
      -- Each candidate by its key (the limit keeps the planner from turning this into a join that
      -- reads all of a busy customer's tickets by requester, as the prepared statement's generic
      -- plan did: 827 buffers for 91 candidates).
      from q cross join hits h cross join lateral (
        select * from tickets t where t.id = h.ticket_id limit 1) t
      where ${own}
      order by subject_hit desc, rank desc, t.number desc
      limit ${options.limit}
    )
    select r.id, r.number, r.subject, r.requester_id, r.assignee_id, r.operator_id, r.category_id,
      r.priority, r.status, r.channel, r.tags, r.version, r.created_at, r.updated_at, r.resolved_at,
      r.closed_at, (r.rank + case when r.subject_hit then 1 else 0 end)::float8 as rank,
      -- Only a matching subject has words to mark (ts_headline parses and stems every word).
      case when r.subject_hit then ts_headline(r.language, r.subject, q.q, ${WHOLE}) else r.subject end
        as subject_headline,
      (select ts_headline(m.language, m.body, q.q, ${HEADLINE}) from ticket_messages m
        where m.ticket_id = r.id and m.search @@ q.any and ${visible}
        order by m.created_at desc, m.id desc
        limit 1) as body_headline
    from ranked r cross join q
    order by r.subject_hit desc, r.rank desc, r.number desc`.execute(db);
  return rows.map(({ rank, subject_headline, body_headline, ...ticket }) => ({
    ticket,
    rank,
    subjectHtml: highlight(subject_headline),
    snippetHtml: body_headline === null ? null : highlight(body_headline),
  }));
}
