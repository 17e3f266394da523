import { type Kysely, sql } from 'kysely';

/**
 * Files attached to ticket messages. An upload is stored first and claimed by the message it is
 * sent with (both references stay null until then); unclaimed uploads are swept after a day.
 * Row-level security: the team sees all; a requester sees the files of public messages on their
 * own tickets; an uploader sees their own uploads while unclaimed. The app role's grants are
 * spelled out, as the row-security migration's default privileges would give them.
 */
const ANY = sql`app_context() = 'system' or app_can('tickets:read:any')`;

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('ticket_attachments')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('ticket_id', 'uuid', (c) => c.references('tickets.id').onDelete('cascade'))
    .addColumn('message_id', 'uuid', (c) => c.references('ticket_messages.id').onDelete('cascade'))
    .addColumn('uploader_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    // An integration acting as itself (client credentials) has no user; its client id instead.
    .addColumn('uploader_client_id', 'text')
    .addColumn('filename', 'text', (c) => c.notNull().check(sql`length(filename) between 1 and 255`))
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'integer', (c) => c.notNull().check(sql`size_bytes > 0`))
    .addColumn('sha256', 'text', (c) => c.notNull().check(sql`sha256 ~ '^[0-9a-f]{64}$'`))
    .addColumn('storage_key', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('ticket_attachments_claimed_check', sql`(ticket_id is null) = (message_id is null)`)
    .execute();
  await sql`create index ticket_attachments_message_idx on ticket_attachments (message_id)`.execute(db);
  await sql`create index ticket_attachments_ticket_idx on ticket_attachments (ticket_id)`.execute(db);
  await sql`create index ticket_attachments_unclaimed_idx on ticket_attachments (created_at)
    where message_id is null`.execute(db);

  const ownUpload = sql`message_id is null and uploader_id = app_user_id()`;
  const onOwnPublicMessage = sql`message_id is not null and exists (
    select 1 from ticket_messages m join tickets t on t.id = m.ticket_id
    where m.id = message_id and m.visibility = 'public' and t.requester_id = app_user_id())`;
  await sql`alter table ticket_attachments enable row level security`.execute(db);
  await sql`create policy uploader_requester_or_staff on ticket_attachments
    using (${ANY} or ${ownUpload} or ${onOwnPublicMessage})
    with check (${ANY} or ${ownUpload} or ${onOwnPublicMessage})`.execute(db);
  await sql`grant select, insert, update, delete on ticket_attachments to switchboard_app`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('ticket_attachments').execute();
}
