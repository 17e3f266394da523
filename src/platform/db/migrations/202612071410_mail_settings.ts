import { type Kysely, sql } from 'kysely';

/**
 * The email channel's admin and ops settings (issue 19).
 * - `mail_settings`: settings an administrator changes on /admin/mail, secrets sealed (SealedBox);
 *   for now the forwarding secret, with the one it replaced and until when that one still counts.
 * - `mail_checks`: test mails sent to a support address to watch them come back, and when and by
 *   which path they did.
 * - `mail_in_counts`: mail refused or recognised before it is stored (SMTP refusals, duplicates),
 *   counted for `/metrics` since it never becomes a `mail_inbound` row.
 */
const MAIL_ADMIN = sql`app_context() = 'system' or app_can('mail:manage')`;
const SYSTEM = sql`app_context() = 'system'`;

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('mail_settings')
    .addColumn('name', 'text', (c) => c.primaryKey().check(sql`name in ('forward_secret')`))
    .addColumn('sealed', 'text', (c) => c.notNull())
    .addColumn('previous_sealed', 'text')
    .addColumn('previous_until', 'timestamptz')
    .addColumn('updated_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`alter table mail_settings enable row level security`.execute(db);
  await sql`create policy mail_admins on mail_settings using (${MAIL_ADMIN}) with check (${MAIL_ADMIN})`.execute(
    db,
  );

  await db.schema
    .createTable('mail_checks')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('sent_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('sent_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('received_at', 'timestamptz')
    .addColumn('source', 'text', (c) => c.check(sql`source in ('smtp', 'imap', 'forward', 'test')`))
    .execute();
  await sql`create index mail_checks_sent_idx on mail_checks (sent_at desc)`.execute(db);
  await sql`alter table mail_checks enable row level security`.execute(db);
  await sql`create policy mail_admins on mail_checks using (${MAIL_ADMIN}) with check (${MAIL_ADMIN})`.execute(
    db,
  );

  await db.schema
    .createTable('mail_in_counts')
    .addColumn('outcome', 'text', (c) => c.primaryKey())
    .addColumn('n', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`alter table mail_in_counts enable row level security`.execute(db);
  await sql`create policy system_only on mail_in_counts using (${SYSTEM}) with check (${SYSTEM})`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('mail_in_counts').execute();
  await db.schema.dropTable('mail_checks').execute();
  await db.schema.dropTable('mail_settings').execute();
}
