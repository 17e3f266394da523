import { type Kysely, sql } from 'kysely';

/**
 * Tickets: a conversation between a requester and the team, with its messages (public replies
 * and internal notes), a timeline of changes, time logged against it, and the categories and
 * workflow statuses administrators manage. Full-text search: a weighted vector per ticket
 * (subject) and per message (body), each in the language of the ticket with `simple` as fallback.
 * Row-level security: a customer's requests see their own tickets and their public messages only.
 */
const STATUSES = [
  ['open', 'Open', 'open', 10],
  ['in_progress', 'In progress', 'open', 20],
  ['waiting_on_customer', 'Waiting on customer', 'waiting', 30],
  ['waiting_on_third_party', 'Waiting on third party', 'waiting', 40],
  ['resolved', 'Resolved', 'resolved', 50],
  ['closed', 'Closed', 'closed', 60],
] as const;
const ANY = sql`app_context() = 'system' or app_can('tickets:read:any')`;

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('ticket_statuses')
    .addColumn('name', 'text', (c) => c.primaryKey().check(sql`name ~ '^[a-z][a-z0-9_]{1,39}$'`))
    .addColumn('label', 'text', (c) => c.notNull())
    // What the status means to the rest of the system: open work, waiting, resolved or closed.
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(sql`kind in ('open', 'waiting', 'resolved', 'closed')`),
    )
    .addColumn('position', 'integer', (c) => c.notNull())
    .execute();
  await db
    .insertInto('ticket_statuses')
    .values(STATUSES.map(([name, label, kind, position]) => ({ name, label, kind, position })))
    .execute();

  await db.schema
    .createTable('ticket_categories')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (c) => c.notNull().check(sql`length(name) between 1 and 80`))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('archived_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create unique index ticket_categories_name_idx on ticket_categories (lower(name))`.execute(db);

  // Human ticket numbers (SB-10001): a sequence, so numbers never repeat even across deletes.
  await sql`create sequence ticket_number_seq start 10001`.execute(db);
  await db.schema
    .createTable('tickets')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('number', 'bigint', (c) => c.notNull().unique().defaultTo(sql`nextval('ticket_number_seq')`))
    .addColumn('subject', 'text', (c) => c.notNull().check(sql`length(subject) between 1 and 200`))
    .addColumn('requester_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('restrict'))
    .addColumn('assignee_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    // The operator (team) a later feature adds; a plain column until its table exists.
    .addColumn('operator_id', 'uuid')
    .addColumn('category_id', 'uuid', (c) => c.references('ticket_categories.id').onDelete('set null'))
    .addColumn('priority', 'text', (c) =>
      c.notNull().defaultTo('normal').check(sql`priority in ('low', 'normal', 'high', 'urgent')`),
    )
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('open')
        .references('ticket_statuses.name')
        .onUpdate('cascade')
        .onDelete('restrict'),
    )
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('web', 'email', 'sms', 'api')`))
    .addColumn('tags', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('language', sql`regconfig`, (c) => c.notNull().defaultTo(sql`'simple'::regconfig`))
    // Optimistic concurrency: every change bumps it; a write naming an older version is refused.
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('resolved_at', 'timestamptz')
    .addColumn('closed_at', 'timestamptz')
    .execute();
  await sql`alter table tickets add column search tsvector generated always as
    (setweight(to_tsvector(language, subject), 'A')) stored`.execute(db);
  await sql`create index tickets_search_idx on tickets using gin (search)`.execute(db);
  await sql`create index tickets_tags_idx on tickets using gin (tags)`.execute(db);
  await sql`create index tickets_requester_idx on tickets (requester_id, number desc)`.execute(db);
  await sql`create index tickets_assignee_idx on tickets (assignee_id, number desc)`.execute(db);
  await sql`create index tickets_status_idx on tickets (status, number desc)`.execute(db);
  await sql`create index tickets_updated_idx on tickets (updated_at desc, id desc)`.execute(db);

  await db.schema
    .createTable('ticket_messages')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('ticket_id', 'uuid', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
    .addColumn('author_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('body', 'text', (c) => c.notNull().check(sql`length(body) between 1 and 50000`))
    .addColumn('body_html', 'text', (c) => c.notNull())
    .addColumn('visibility', 'text', (c) => c.notNull().check(sql`visibility in ('public', 'internal')`))
    .addColumn('reply_to_id', 'uuid', (c) => c.references('ticket_messages.id').onDelete('set null'))
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('web', 'email', 'sms', 'api')`))
    .addColumn('delivery_status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('received')
        .check(sql`delivery_status in ('received', 'queued', 'sent', 'delivered', 'failed')`),
    )
    .addColumn('language', sql`regconfig`, (c) => c.notNull().defaultTo(sql`'simple'::regconfig`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`alter table ticket_messages add column search tsvector generated always as
    (setweight(to_tsvector(language, body), 'B')) stored`.execute(db);
  await sql`create index ticket_messages_search_idx on ticket_messages using gin (search)`.execute(db);
  await sql`create index ticket_messages_ticket_idx on ticket_messages (ticket_id, created_at, id)`.execute(
    db,
  );

  await db.schema
    .createTable('ticket_events')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('ticket_id', 'uuid', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
    .addColumn('actor_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('from_value', 'text')
    .addColumn('to_value', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index ticket_events_ticket_idx on ticket_events (ticket_id, id)`.execute(db);

  await db.schema
    .createTable('time_entries')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('ticket_id', 'uuid', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
    .addColumn('agent_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('minutes', 'integer', (c) => c.notNull().check(sql`minutes between 1 and 1440`))
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('billable', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('work_date', 'date', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index time_entries_ticket_idx on time_entries (ticket_id, work_date)`.execute(db);

  // Idempotency keys of create requests: a retried request gets the first answer, not a duplicate.
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('response', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['owner', 'key'])
    .execute();

  // Customers read the names of the people in their threads, not the user directory.
  await sql`
    create function user_display_name(uid uuid) returns text language sql stable security definer
    set search_path = public as $$ select display_name from users where id = uid $$`.execute(db);

  // The wall behind the route checks (see the row-security migration for the settings).
  const own = sql`requester_id = app_user_id()`;
  await sql`alter table tickets enable row level security`.execute(db);
  await sql`create policy requester_or_staff on tickets using (${ANY} or ${own}) with check (${ANY} or ${own})`.execute(
    db,
  );
  const ownTicket = sql`exists (select 1 from tickets t where t.id = ticket_id and t.requester_id = app_user_id())`;
  await sql`alter table ticket_messages enable row level security`.execute(db);
  await sql`create policy public_to_requester on ticket_messages
    using (${ANY} or (visibility = 'public' and ${ownTicket}))
    with check (${ANY} or (visibility = 'public' and ${ownTicket}))`.execute(db);
  await sql`alter table ticket_events enable row level security`.execute(db);
  await sql`create policy requester_or_staff on ticket_events using (${ANY} or ${ownTicket}) with check (${ANY} or ${ownTicket})`.execute(
    db,
  );
  await sql`alter table time_entries enable row level security`.execute(db);
  await sql`create policy staff_only on time_entries using (${ANY}) with check (${ANY})`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function user_display_name(uuid)`.execute(db);
  for (const table of [
    'idempotency_keys',
    'time_entries',
    'ticket_events',
    'ticket_messages',
    'tickets',
    'ticket_categories',
    'ticket_statuses',
  ])
    await db.schema.dropTable(table).execute();
  await sql`drop sequence ticket_number_seq`.execute(db);
}
