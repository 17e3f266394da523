import { type Kysely, sql } from 'kysely';

/**
 * The SMS channel (issue 20).
 * - `sms_numbers`: the phone numbers the team holds at the provider. A number with an owner is that
 *   person's own line; without one it is a team line, with the category its texts open tickets in.
 *   A released number stays as a row (its texts still point at it), with `released_at`; an E.164
 *   belongs to at most one number not released.
 * - `sms_messages`: every text in (stored by its provider MessageSid once, before the webhook
 *   answers) and, later, out; the job that routes it reads it from here.
 * - `sms_webhook_counts`: webhook calls that store nothing (a bad signature, another account, a
 *   number not ours, a MessageSid seen before …), counted by outcome for `/metrics`.
 * Row-level security: the webhook and the jobs are the system; SMS administrators (`sms:manage`)
 * manage numbers; an owner reads their own number.
 */
const SMS_ADMIN = sql`app_context() = 'system' or app_can('sms:manage')`;
const SYSTEM = sql`app_context() = 'system'`;

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sms_numbers')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('e164', 'text', (c) => c.notNull().check(sql`e164 ~ '^\\+[1-9][0-9]{6,14}$'`))
    .addColumn('provider_sid', 'text', (c) => c.notNull().unique().check(sql`length(provider_sid) <= 64`))
    .addColumn('country', 'text', (c) => c.notNull().check(sql`country ~ '^[A-Z]{2}$'`))
    .addColumn('sms', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('mms', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('voice', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('monthly_price', 'numeric(10, 4)')
    .addColumn('price_unit', 'text', (c) => c.check(sql`price_unit ~ '^[A-Z]{3}$'`))
    .addColumn('owner_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('category_id', 'uuid', (c) => c.references('ticket_categories.id').onDelete('set null'))
    .addColumn('label', 'text', (c) => c.check(sql`length(label) <= 80`))
    .addColumn('sms_url', 'text')
    .addColumn('status_url', 'text')
    .addColumn('webhooks_checked_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('released_at', 'timestamptz')
    .execute();
  await sql`create unique index sms_numbers_e164_held_idx on sms_numbers (e164) where released_at is null`.execute(
    db,
  );
  await sql`create index sms_numbers_owner_idx on sms_numbers (owner_id) where owner_id is not null`.execute(
    db,
  );
  await sql`alter table sms_numbers enable row level security`.execute(db);
  await sql`create policy sms_admins on sms_numbers using (${SMS_ADMIN}) with check (${SMS_ADMIN})`.execute(
    db,
  );
  await sql`create policy owner_reads on sms_numbers for select using (owner_id = app_user_id())`.execute(db);

  await db.schema
    .createTable('sms_messages')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('message_sid', 'text', (c) => c.unique().check(sql`message_sid ~ '^(SM|MM)[0-9a-f]{32}$'`))
    .addColumn('direction', 'text', (c) => c.notNull().check(sql`direction in ('in', 'out')`))
    .addColumn('number_id', 'uuid', (c) => c.notNull().references('sms_numbers.id'))
    // The other party: the customer's phone (E.164).
    .addColumn('phone', 'text', (c) => c.notNull().check(sql`phone ~ '^\\+[1-9][0-9]{6,14}$'`))
    .addColumn('body', 'text', (c) => c.notNull().check(sql`length(body) <= 1600`))
    // MMS media as the provider listed them (URL and type), fetched by the routing job.
    .addColumn('media', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error_code', 'integer')
    .addColumn('outcome', 'text', (c) =>
      c.check(sql`outcome in ('new-ticket', 'reply', 'refused-unknown', 'refused-disabled')`),
    )
    .addColumn('ticket_id', 'uuid', (c) => c.references('tickets.id').onDelete('set null'))
    .addColumn('ticket_message_id', 'uuid', (c) => c.references('ticket_messages.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('processed_at', 'timestamptz')
    .execute();
  // The conversation on one line with one phone: the latest text decides where the next one goes.
  await sql`create index sms_messages_thread_idx on sms_messages (number_id, phone, created_at desc)`.execute(
    db,
  );
  await sql`alter table sms_messages enable row level security`.execute(db);
  await sql`create policy sms_admins on sms_messages using (${SMS_ADMIN}) with check (${SMS_ADMIN})`.execute(
    db,
  );

  await db.schema
    .createTable('sms_webhook_counts')
    .addColumn('outcome', 'text', (c) => c.primaryKey())
    .addColumn('n', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('last_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`alter table sms_webhook_counts enable row level security`.execute(db);
  await sql`create policy system_writes on sms_webhook_counts using (${SYSTEM}) with check (${SYSTEM})`.execute(
    db,
  );
  await sql`create policy sms_admins_read on sms_webhook_counts for select using (app_can('sms:manage'))`.execute(
    db,
  );

  await sql`insert into role_permissions (role, permission) values ('admin', 'sms:manage')
    on conflict do nothing`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from role_permissions where permission = 'sms:manage'`.execute(db);
  await db.schema.dropTable('sms_webhook_counts').execute();
  await db.schema.dropTable('sms_messages').execute();
  await db.schema.dropTable('sms_numbers').execute();
}
