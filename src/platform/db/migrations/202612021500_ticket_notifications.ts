import { type Kysely, sql } from 'kysely';

/**
 * Ticket notifications. A change records one row per recipient in the change's own transaction;
 * a delayed job per recipient later mails everything still pending in one message. Preferences
 * hold only what someone switched: a kind without a row is mailed (all on by default).
 * Row-level security: anyone may queue a notification as themselves, only the system (the job)
 * reads or claims them; a user sees and edits only their own preferences.
 */
const KINDS = sql`('ticket_created', 'agent_reply', 'status_changed', 'customer_reply')`;
const APP_ROLE = 'switchboard_app';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('ticket_notifications')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('recipient_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('ticket_id', 'uuid', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
    .addColumn('actor_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ${KINDS}`))
    // What the mail says beyond the ticket itself: the reply text, the statuses (never HTML).
    .addColumn('data', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // Handled: mailed, or dropped for the recipient's preferences or a disabled account.
    .addColumn('sent_at', 'timestamptz')
    .execute();
  await sql`create index ticket_notifications_pending_idx on ticket_notifications (recipient_id, id)
    where sent_at is null`.execute(db);
  await sql`create index ticket_notifications_sent_idx on ticket_notifications (recipient_id, sent_at)
    where sent_at is not null`.execute(db);
  await sql`alter table ticket_notifications enable row level security`.execute(db);
  await sql`create policy queued_as_actor on ticket_notifications for insert
    with check (app_context() = 'system' or actor_id is not distinct from app_user_id())`.execute(db);
  await sql`create policy system_only on ticket_notifications
    using (app_context() = 'system') with check (app_context() = 'system')`.execute(db);

  await db.schema
    .createTable('notification_preferences')
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ${KINDS}`))
    .addColumn('email', 'boolean', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('notification_preferences_pk', ['user_id', 'kind'])
    .execute();
  const own = sql`app_context() = 'system' or user_id = app_user_id()`;
  await sql`alter table notification_preferences enable row level security`.execute(db);
  await sql`create policy owner_only on notification_preferences using (${own}) with check (${own})`.execute(
    db,
  );

  // A customer's reply to an unassigned ticket goes to the whole team, whom the customer's own
  // request may not read in `users`: owner's rights, answering active holders of the given roles.
  await sql`
    create function active_users_in_roles(role_names text[]) returns setof uuid
    language sql stable security definer set search_path = public as
    $$ select id from users where status = 'active' and roles && role_names $$`.execute(db);
  await sql`revoke execute on function active_users_in_roles(text[]) from public`.execute(db);
  await sql`grant execute on function active_users_in_roles(text[]) to ${sql.id(APP_ROLE)}`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function active_users_in_roles(text[])`.execute(db);
  await db.schema.dropTable('notification_preferences').execute();
  await db.schema.dropTable('ticket_notifications').execute();
}
