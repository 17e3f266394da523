import { type Kysely, sql } from 'kysely';

/**
 * The email channel (issue 19).
 * - `mail_inbound`: every raw message taken in (SMTP, IMAP, forwarding endpoint), stored with its
 *   processing job in one transaction before the sender hears "accepted", then what became of it
 *   (a new ticket, a reply, quarantine …). One row per Message-ID: the same mail taken twice (a
 *   re-poll, a retried webhook, two paths) is one message.
 * - `mail_addresses`: the support addresses the channel accepts, each with a default category.
 * - `ticket_participants`: addresses (CC'd colleagues) that receive a ticket's public replies and may
 *   reply to it by mail.
 * - `ticket_mail_ids`: the Message-IDs of mail in and out of each ticket, for In-Reply-To and
 *   References matching.
 * Row-level security: the pipeline is the system; the team reads participants and mail ids of the
 * tickets it reads; mail administrators (`mail:manage`) read and release quarantined mail.
 */
const TEAM = sql`app_context() = 'system' or app_can('tickets:read:any')`;
const MAIL_ADMIN = sql`app_context() = 'system' or app_can('mail:manage')`;

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('mail_inbound')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('message_id', 'text', (c) => c.check(sql`length(message_id) <= 998`))
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('smtp', 'imap', 'forward', 'test')`))
    .addColumn('envelope_from', 'text')
    .addColumn('envelope_to', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('remote_ip', 'text')
    // What the receiving side concluded about the sender (SPF, DKIM, DMARC), as mailauth reports it.
    .addColumn('authentication', 'jsonb')
    .addColumn('raw', 'bytea', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('state', 'text', (c) =>
      c.notNull().defaultTo('pending').check(sql`state in ('pending', 'done', 'quarantined', 'discarded')`),
    )
    .addColumn('outcome', 'text')
    .addColumn('reason', 'text')
    .addColumn('sender', 'text')
    .addColumn('subject', 'text')
    .addColumn('ticket_id', 'uuid', (c) => c.references('tickets.id').onDelete('set null'))
    .addColumn('ticket_message_id', 'uuid', (c) => c.references('ticket_messages.id').onDelete('set null'))
    .addColumn('processed_at', 'timestamptz')
    .execute();
  await sql`create unique index mail_inbound_message_id_idx on mail_inbound (message_id)
    where message_id is not null`.execute(db);
  await sql`create index mail_inbound_state_idx on mail_inbound (state, received_at desc)`.execute(db);
  await sql`create index mail_inbound_sender_idx on mail_inbound (lower(sender), received_at desc)`.execute(
    db,
  );
  await sql`alter table mail_inbound enable row level security`.execute(db);
  await sql`create policy mail_admins on mail_inbound using (${MAIL_ADMIN}) with check (${MAIL_ADMIN})`.execute(
    db,
  );

  await db.schema
    .createTable('mail_addresses')
    .addColumn('address', 'text', (c) =>
      c.primaryKey().check(sql`address = lower(address) and address like '%@%'`),
    )
    .addColumn('category_id', 'uuid', (c) => c.references('ticket_categories.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // Which addresses exist is not secret (they are on the site); changing them is for mail admins.
  await sql`alter table mail_addresses enable row level security`.execute(db);
  await sql`create policy anyone_reads on mail_addresses for select using (true)`.execute(db);
  await sql`create policy mail_admins_write on mail_addresses for all using (${MAIL_ADMIN}) with check (${MAIL_ADMIN})`.execute(
    db,
  );

  await db.schema
    .createTable('ticket_participants')
    .addColumn('ticket_id', 'uuid', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull().check(sql`email = lower(email) and length(email) <= 254`))
    .addColumn('added_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('ticket_participants_pk', ['ticket_id', 'email'])
    .execute();
  await sql`alter table ticket_participants enable row level security`.execute(db);
  await sql`create policy team_only on ticket_participants using (${TEAM}) with check (${TEAM})`.execute(db);

  await db.schema
    .createTable('ticket_mail_ids')
    .addColumn('message_id', 'text', (c) => c.primaryKey().check(sql`length(message_id) <= 998`))
    .addColumn('ticket_id', 'uuid', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
    .addColumn('ticket_message_id', 'uuid', (c) => c.references('ticket_messages.id').onDelete('set null'))
    .addColumn('direction', 'text', (c) => c.notNull().check(sql`direction in ('in', 'out')`))
    // The References of an outgoing mail, so the next one in the thread continues the chain.
    .addColumn('refs', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('recipient', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index ticket_mail_ids_ticket_idx on ticket_mail_ids (ticket_id, created_at desc)`.execute(
    db,
  );
  await sql`alter table ticket_mail_ids enable row level security`.execute(db);
  await sql`create policy team_only on ticket_mail_ids using (${TEAM}) with check (${TEAM})`.execute(db);

  // Signatures of forwarded mail already taken: a replayed request is refused. Kept past the
  // signature window, then deleted.
  await db.schema
    .createTable('mail_forward_signatures')
    .addColumn('signature', 'text', (c) => c.primaryKey())
    .addColumn('seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index mail_forward_signatures_seen_idx on mail_forward_signatures (seen_at)`.execute(db);
  await sql`alter table mail_forward_signatures enable row level security`.execute(db);
  await sql`create policy system_only on mail_forward_signatures
    using (app_context() = 'system') with check (app_context() = 'system')`.execute(db);

  // The dev outbox shows how a mail threads and where an answer goes.
  await sql`alter table outbox_messages add column headers jsonb not null default '{}'::jsonb`.execute(db);

  // Administrators manage the channel; the permission exists from the start for the admin role.
  await sql`insert into role_permissions (role, permission) values ('admin', 'mail:manage')
    on conflict do nothing`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from role_permissions where permission = 'mail:manage'`.execute(db);
  await sql`alter table outbox_messages drop column headers`.execute(db);
  await db.schema.dropTable('mail_forward_signatures').execute();
  await db.schema.dropTable('ticket_mail_ids').execute();
  await db.schema.dropTable('ticket_participants').execute();
  await db.schema.dropTable('mail_addresses').execute();
  await db.schema.dropTable('mail_inbound').execute();
}
