import { type Kysely, sql } from 'kysely';

/**
 * IMAP mailboxes the email channel polls (issue 19): where to connect, as whom (the password
 * sealed under SECRET_KEY, never stored in the clear), which folder to read and where taken mail
 * is moved, which provider's Authentication-Results to believe, and how the last poll went.
 * A change to what is polled (not the poll's own bookkeeping) is announced as
 * `mail_mailboxes.changed` on `switchboard_db_events`, so the poller picks it up without a restart.
 * Row-level security: the poller is the system; mail administrators (`mail:manage`) manage them.
 */
const MAIL_ADMIN = sql`app_context() = 'system' or app_can('mail:manage')`;
const POLLED = [
  'name',
  'host',
  'port',
  'tls',
  'username',
  'password_sealed',
  'folder',
  'done_folder',
  'trusted_authserv_id',
  'enabled',
];

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('mail_mailboxes')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (c) => c.notNull().unique().check(sql`length(name) between 1 and 80`))
    .addColumn('host', 'text', (c) => c.notNull().check(sql`length(host) between 1 and 253`))
    .addColumn('port', 'integer', (c) => c.notNull().check(sql`port between 1 and 65535`))
    // `tls`: TLS from the first byte (993); `starttls`: upgraded, required; `none`: clear text.
    .addColumn('tls', 'text', (c) =>
      c.notNull().defaultTo('tls').check(sql`tls in ('tls', 'starttls', 'none')`),
    )
    .addColumn('username', 'text', (c) => c.notNull().check(sql`length(username) between 1 and 320`))
    .addColumn('password_sealed', 'text', (c) => c.notNull())
    .addColumn('folder', 'text', (c) =>
      c.notNull().defaultTo('INBOX').check(sql`length(folder) between 1 and 200`),
    )
    .addColumn('done_folder', 'text', (c) =>
      c.notNull().defaultTo('Switchboard/Done').check(sql`length(done_folder) between 1 and 200`),
    )
    .addColumn('trusted_authserv_id', 'text', (c) => c.check(sql`length(trusted_authserv_id) <= 253`))
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_poll_at', 'timestamptz')
    .addColumn('last_result', 'text', (c) => c.check(sql`last_result in ('ok', 'failed')`))
    .addColumn('last_error', 'text')
    .addColumn('messages_taken', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('messages_duplicate', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`alter table mail_mailboxes enable row level security`.execute(db);
  await sql`create policy mail_admins on mail_mailboxes using (${MAIL_ADMIN}) with check (${MAIL_ADMIN})`.execute(
    db,
  );
  await sql`
    create function notify_mail_mailboxes_changed() returns trigger language plpgsql as $fn$
    begin
      perform pg_notify('switchboard_db_events', '{"c":"mail_mailboxes.changed","m":null}');
      return null;
    end $fn$`.execute(db);
  await sql`create trigger mail_mailboxes_changed
    after insert or delete or truncate or update of ${sql.join(POLLED.map((c) => sql.id(c)))}
    on mail_mailboxes for each statement execute function notify_mail_mailboxes_changed()`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('mail_mailboxes').execute();
  await sql`drop function notify_mail_mailboxes_changed()`.execute(db);
}
