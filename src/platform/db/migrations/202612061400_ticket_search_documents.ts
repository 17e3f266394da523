import { type Kysely, type RawBuilder, sql } from 'kysely';

/**
 * Search documents per ticket, so a search reads one indexed row per ticket instead of its
 * messages (with 500,000 messages the search walked the newest tickets' messages, or a bitmap
 * over all of them, and ranked each candidate by reading its thread from a 442 MB table).
 *
 * Two rows per ticket, one per audience: `public` is the subject's vector (weight A, as
 * tickets.search) followed by the vectors of the public messages (weight B, as
 * ticket_messages.search), oldest first; `team` the same with every message, internal notes
 * included. `number` and `requester_id` are copied so that "the newest tickets whose document
 * matches" is one index walk, for the team and per customer.
 *
 * A table of its own, not columns on tickets: the tickets row is the hot one (every status
 * change, assignment and reply bumps its version), and each new row version would carry the
 * documents along. A row per audience rather than two columns: a document is ~1.5 kB (2.5 kB
 * for 99 % of them), and a search reads documents row after row in number order, so each should
 * sit in its row, uncompressed: two per row, and the larger would go to the TOAST table, one
 * lookup more per document (walking 2,000 of them took 7.5 ms instead of 3.3 ms in the bench).
 * For the same reason rows stay whole up to 4 kB (toast_tuple_target; the default is 2 kB). And
 * an internal note rewrites only the team row and its index entries.
 *
 * Triggers keep the documents current: a new message is appended (`||`, no re-reading of the
 * thread); a changed or deleted message, and a changed subject, language, requester or number,
 * rebuild the ticket's documents from scratch. A statement of many rows (a seed, an import) is
 * one update per ticket and audience.
 *
 * A tsvector holds at most 1 MB of lexemes and positions. ticket_search_concat never lets that
 * fail a write: past the limit it keeps the words but drops positions and weights (`strip`), so
 * phrase queries ("slow laptop" in quotes) no longer match that document and its rank loses
 * proximity; if even the stripped words do not fit, the document stays as it was and the words
 * of the new message are not searchable in that ticket (its earlier words and subject still are).
 *
 * Row-level security: the team documents hold the words of internal notes, so the app role may
 * not write any document (only the triggers do, as the owner) and may read them only with the
 * team's permission; a customer reads none, not even their own. The search reads them inside
 * ticket_search_candidates (security definer), which applies the same rules itself.
 */
const APP_ROLE = 'switchboard_app';
const ANY = sql`(select app_context() = 'system' or app_can('tickets:read:any'))`;

/** Every ticket's two documents from scratch: the subject first, then its messages oldest first. */
const SOURCES = sql`
  select t.id, a.audience, t.number, t.requester_id, a.doc
  from tickets t cross join lateral (
    select ticket_search_agg(v.search order by v.at, v.id) filter (where v.public) as public,
      ticket_search_agg(v.search order by v.at, v.id) as team
    from (
      select t.search, '-infinity'::timestamptz as at, null::uuid as id, true as public
      union all
      select m.search, m.created_at, m.id, m.visibility = 'public'
      from ticket_messages m where m.ticket_id = t.id) v) d
  cross join lateral (values ('public', d.public), ('team', d.team)) a (audience, doc)`;
const COLUMNS = sql`(ticket_id, audience, number, requester_id, doc)`;

/** Trigger functions run as the owner: the app role may not write the documents itself. */
const trigger = (name: string, body: RawBuilder<unknown>) => sql`
  create function ${sql.raw(name)}() returns trigger language plpgsql security definer
  set search_path = public as $$ begin ${body}; return null; end $$`;

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table ticket_search_documents (
    ticket_id uuid not null references tickets (id) on delete cascade,
    audience text not null check (audience in ('public', 'team')),
    number bigint not null,
    requester_id uuid not null,
    doc tsvector not null,
    primary key (ticket_id, audience))
    with (toast_tuple_target = 4080)`.execute(db);

  // Past 1 MB: the words without positions, else the document as it was (see above). The
  // exception block is a subtransaction that writes nothing, so it takes no transaction id.
  await sql`
    create function ticket_search_concat(doc tsvector, more tsvector) returns tsvector
    language plpgsql immutable strict parallel safe as $$
    begin
      return doc || more;
    exception when program_limit_exceeded then
      begin
        return strip(doc) || strip(more);
      exception when program_limit_exceeded then
        return doc;
      end;
    end $$`.execute(db);
  await sql`create aggregate ticket_search_agg(tsvector) (
    sfunc = ticket_search_concat, stype = tsvector, initcond = '')`.execute(db);

  await sql`
    create function ticket_search_refresh(ids uuid[]) returns void language sql volatile security definer
    set search_path = public as $$
      insert into ticket_search_documents as d ${COLUMNS}
      ${SOURCES} where t.id = any(ids)
      on conflict (ticket_id, audience) do update set number = excluded.number,
        requester_id = excluded.requester_id, doc = excluded.doc
    $$`.execute(db);
  // Only the triggers below (running as the owner) rebuild documents.
  await sql`revoke execute on function ticket_search_refresh(uuid[]) from public`.execute(db);

  await trigger(
    'ticket_search_tickets_inserted',
    sql`insert into ticket_search_documents ${COLUMNS}
      select n.id, a.audience, n.number, n.requester_id, n.search
      from new_tickets n cross join (values ('public'), ('team')) a (audience)`,
  ).execute(db);
  await sql`create trigger ticket_search_inserted after insert on tickets
    referencing new table as new_tickets for each statement
    execute function ticket_search_tickets_inserted()`.execute(db);

  // Row by row with a column list: a statement-level trigger cannot name columns, and the status
  // and version updates of every reply must not fire it.
  await trigger('ticket_search_ticket_changed', sql`perform ticket_search_refresh(array[new.id])`).execute(
    db,
  );
  await sql`create trigger ticket_search_changed after update of subject, language, requester_id, number
    on tickets for each row when (old.subject is distinct from new.subject
      or old.language is distinct from new.language or old.requester_id is distinct from new.requester_id
      or old.number is distinct from new.number)
    execute function ticket_search_ticket_changed()`.execute(db);

  // New messages are appended; an internal note leaves the public document alone.
  await trigger(
    'ticket_search_messages_inserted',
    sql`update ticket_search_documents d set doc = ticket_search_concat(d.doc, n.doc)
      from (
        select ticket_id, 'team' as audience, ticket_search_agg(search order by created_at, id) as doc
        from new_messages group by ticket_id
        union all
        select ticket_id, 'public', ticket_search_agg(search order by created_at, id)
        from new_messages where visibility = 'public' group by ticket_id) n
      where d.ticket_id = n.ticket_id and d.audience = n.audience`,
  ).execute(db);
  await sql`create trigger ticket_search_messages_inserted after insert on ticket_messages
    referencing new table as new_messages for each statement
    execute function ticket_search_messages_inserted()`.execute(db);

  // Changed text or visibility, a message moved to another ticket, deleted messages: rebuild.
  // (A delivery-status update names none of these columns and fires nothing.)
  await trigger(
    'ticket_search_message_changed',
    sql`perform ticket_search_refresh(array[old.ticket_id, new.ticket_id])`,
  ).execute(db);
  await sql`create trigger ticket_search_message_changed
    after update of body, language, visibility, ticket_id on ticket_messages for each row
    when (old.body is distinct from new.body or old.language is distinct from new.language
      or old.visibility is distinct from new.visibility or old.ticket_id is distinct from new.ticket_id)
    execute function ticket_search_message_changed()`.execute(db);
  await trigger(
    'ticket_search_messages_deleted',
    sql`perform ticket_search_refresh(array(select distinct ticket_id from old_messages))`,
  ).execute(db);
  await sql`create trigger ticket_search_messages_deleted after delete on ticket_messages
    referencing old table as old_messages for each statement
    execute function ticket_search_messages_deleted()`.execute(db);

  // The triggers are in place first: a ticket written while this runs waits for the locks they
  // took and is then seen here. One statement for every ticket; the indexes are built after it.
  await sql`insert into ticket_search_documents ${COLUMNS} ${SOURCES}`.execute(db);
  await sql`create index ticket_search_documents_team_idx on ticket_search_documents (number desc)
    where audience = 'team'`.execute(db);
  await sql`create index ticket_search_documents_requester_idx on ticket_search_documents
    (requester_id, number desc) where audience = 'public'`.execute(db);
  await sql`create index ticket_search_documents_team_doc_idx on ticket_search_documents using gin (doc)
    where audience = 'team'`.execute(db);
  await sql`create index ticket_search_documents_public_doc_idx on ticket_search_documents using gin (doc)
    where audience = 'public'`.execute(db);
  await sql`analyze ticket_search_documents`.execute(db);

  await sql`revoke insert, update, delete, truncate on ticket_search_documents from ${sql.id(APP_ROLE)}`.execute(
    db,
  );
  await sql`alter table ticket_search_documents enable row level security`.execute(db);
  await sql`create policy staff_only on ticket_search_documents for select using (${ANY})`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table ticket_search_documents`.execute(db);
  for (const [name, table] of [
    ['ticket_search_inserted', 'tickets'],
    ['ticket_search_changed', 'tickets'],
    ['ticket_search_messages_inserted', 'ticket_messages'],
    ['ticket_search_message_changed', 'ticket_messages'],
    ['ticket_search_messages_deleted', 'ticket_messages'],
  ] as const)
    await sql`drop trigger ${sql.id(name)} on ${sql.table(table)}`.execute(db);
  for (const name of [
    'ticket_search_tickets_inserted',
    'ticket_search_ticket_changed',
    'ticket_search_messages_inserted',
    'ticket_search_message_changed',
    'ticket_search_messages_deleted',
  ])
    await sql`drop function ${sql.id(name)}()`.execute(db);
  await sql`drop function ticket_search_refresh(uuid[])`.execute(db);
  await sql`drop aggregate ticket_search_agg(tsvector)`.execute(db);
  await sql`drop function ticket_search_concat(tsvector, tsvector)`.execute(db);
}
