import { type Kysely, sql } from 'kysely';

/**
 * Monthly SMS budgets (issue 20, item 5).
 * - `sms_budgets`: an amount a month in the account's price unit, for one user (the texts sent for
 *   them and their own lines' fees) or, with no user, for the team (everything); one per scope. A
 *   hard stop refuses new texts charged to a budget whose month has reached it.
 * - `sms_budget_alerts`: one row per budget, month and threshold (80, 100) whose mail was queued,
 *   inserted in the mail's transaction: the primary key makes two price callbacks that cross a
 *   threshold together queue one mail between them.
 * Row-level security: the status callback and the jobs are the system; SMS administrators manage.
 */
const SMS_ADMIN = sql`app_context() = 'system' or app_can('sms:manage')`;

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sms_budgets')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('amount', 'numeric(12, 2)', (c) => c.notNull().check(sql`amount > 0`))
    .addColumn('hard_stop', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // One budget per user, and one for the team (the null user).
  await sql`create unique index sms_budgets_user_idx on sms_budgets (user_id) where user_id is not null`.execute(
    db,
  );
  await sql`create unique index sms_budgets_team_idx on sms_budgets ((true)) where user_id is null`.execute(
    db,
  );
  await sql`alter table sms_budgets enable row level security`.execute(db);
  await sql`create policy sms_admins on sms_budgets using (${SMS_ADMIN}) with check (${SMS_ADMIN})`.execute(
    db,
  );

  await db.schema
    .createTable('sms_budget_alerts')
    .addColumn('budget_id', 'uuid', (c) => c.notNull().references('sms_budgets.id').onDelete('cascade'))
    .addColumn('month', 'text', (c) => c.notNull().check(sql`month ~ '^[0-9]{4}-[0-9]{2}$'`))
    .addColumn('threshold', 'integer', (c) => c.notNull().check(sql`threshold in (80, 100)`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('sms_budget_alerts_pkey', ['budget_id', 'month', 'threshold'])
    .execute();
  await sql`alter table sms_budget_alerts enable row level security`.execute(db);
  await sql`create policy sms_admins on sms_budget_alerts using (${SMS_ADMIN}) with check (${SMS_ADMIN})`.execute(
    db,
  );
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sms_budget_alerts').execute();
  await db.schema.dropTable('sms_budgets').execute();
}
