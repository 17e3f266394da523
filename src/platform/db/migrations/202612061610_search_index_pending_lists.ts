import { type Kysely, sql } from 'kysely';

/**
 * Smaller pending lists for the text indexes that searches read. A GIN index collects new entries
 * in an unsorted pending list that every search scans in full, until a vacuum (or autoanalyze)
 * or the list's size limit (gin_pending_list_limit, 4 MB by default) merges it into the index.
 * Every message rewrites its ticket's two search documents and each of their ~100 words is an
 * entry, and any non-HOT ticket update adds the subject's words again: a busy desk keeps its lists
 * near the limit. In the bench, a 473-page list made a search for a word in no ticket read 476
 * buffers and cost 1.7 ms instead of 0.05 (bench/README.md). At 256 kB a search scans at most 32
 * pages, and the writer that fills the list merges it (a few milliseconds, not seconds).
 */
const INDEXES = [
  'ticket_search_documents_team_doc_idx',
  'ticket_search_documents_public_doc_idx',
  'tickets_search_idx',
];

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  for (const index of INDEXES)
    await sql`alter index ${sql.id(index)} set (gin_pending_list_limit = 256)`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  for (const index of INDEXES)
    await sql`alter index ${sql.id(index)} reset (gin_pending_list_limit)`.execute(db);
}
