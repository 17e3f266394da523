import { type Kysely, sql } from 'kysely';

/**
 * Leads (issue 21, item 4): what the public contact form makes, and the team's work on it.
 * - `leads`: one submission, its pipeline stage, owner and, once converted, the customer account
 *   and first ticket it became. The visitor's consent to be contacted is kept as its time.
 * - `lead_notes`: the team's notes on a lead, deleted with it.
 * - `lead_settings`: one row: the services the form offers and where the team's mail goes.
 * Row-level security: the public form runs as the system; `leads:read` reads, `leads:manage` writes.
 */
const READ = sql`app_context() = 'system' or app_can('leads:read') or app_can('leads:manage')`;
const MANAGE = sql`app_context() = 'system' or app_can('leads:manage')`;

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('leads')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (c) => c.notNull().check(sql`length(name) between 1 and 100`))
    .addColumn('email', 'text', (c) => c.notNull().check(sql`length(email) between 3 and 254`))
    .addColumn('phone', 'text', (c) => c.check(sql`length(phone) <= 40`))
    .addColumn('company', 'text', (c) => c.check(sql`length(company) <= 120`))
    .addColumn('service', 'text', (c) => c.check(sql`length(service) <= 80`))
    .addColumn('message', 'text', (c) => c.notNull().check(sql`length(message) between 1 and 5000`))
    .addColumn('locale', 'text', (c) => c.notNull().defaultTo('en').check(sql`locale in ('en', 'nl')`))
    .addColumn('consent_at', 'timestamptz', (c) => c.notNull())
    .addColumn('stage', 'text', (c) =>
      c.notNull().defaultTo('new').check(sql`stage in ('new', 'contacted', 'qualified', 'won', 'lost')`),
    )
    .addColumn('owner_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('customer_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('ticket_id', 'uuid', (c) => c.references('tickets.id').onDelete('set null'))
    .addColumn('converted_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // The admin list: newest first, by stage or owner.
  await sql`create index leads_created_idx on leads (created_at desc, id desc)`.execute(db);
  await sql`create index leads_stage_idx on leads (stage, created_at desc)`.execute(db);
  await sql`create index leads_owner_idx on leads (owner_id) where owner_id is not null`.execute(db);

  await db.schema
    .createTable('lead_notes')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('lead_id', 'uuid', (c) => c.notNull().references('leads.id').onDelete('cascade'))
    .addColumn('author_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('body', 'text', (c) => c.notNull().check(sql`length(body) between 1 and 5000`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index lead_notes_lead_idx on lead_notes (lead_id, created_at)`.execute(db);

  await db.schema
    .createTable('lead_settings')
    .addColumn('id', 'boolean', (c) => c.primaryKey().defaultTo(true).check(sql`id`))
    .addColumn('services', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('notify_email', 'text', (c) => c.check(sql`length(notify_email) <= 254`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  for (const table of ['leads', 'lead_notes', 'lead_settings']) {
    await sql`alter table ${sql.table(table)} enable row level security`.execute(db);
    await sql`create policy readers on ${sql.table(table)} for select using (${READ})`.execute(db);
    await sql`create policy managers on ${sql.table(table)} using (${MANAGE}) with check (${MANAGE})`.execute(
      db,
    );
  }

  await sql`insert into role_permissions (role, permission) values ('admin', 'leads:read'), ('admin', 'leads:manage')
    on conflict do nothing`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from role_permissions where permission in ('leads:read', 'leads:manage')`.execute(db);
  await db.schema.dropTable('lead_settings').execute();
  await db.schema.dropTable('lead_notes').execute();
  await db.schema.dropTable('leads').execute();
}
