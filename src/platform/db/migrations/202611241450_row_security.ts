import { type Kysely, sql } from 'kysely';

/**
 * The database wall behind the route checks. The app works as `switchboard_app`, a role that owns
 * nothing and is not a superuser (the pool switches to it with SET ROLE; migrations keep running
 * as the owner). Customer-owned tables get row-level security: a request acting for a user sees
 * only that user's rows unless its permissions say otherwise. The request's context arrives as
 * settings `app.context` ('system' or 'user'), `app.user_id` and `app.permissions`.
 */
const APP_ROLE = 'switchboard_app';
/** Tables whose rows belong to one user, by column. */
const OWNED: Record<string, { column: string; staff: string[] }> = {
  users: { column: 'id', staff: ['users:read', 'users:manage', 'users:invite', 'roles:manage'] },
  mfa_factors: { column: 'user_id', staff: ['users:manage'] },
  mfa_backup_codes: { column: 'user_id', staff: ['users:manage'] },
  sms_codes: { column: 'user_id', staff: ['users:manage'] },
  one_time_tokens: { column: 'user_id', staff: ['users:manage', 'users:invite'] },
  webauthn_challenges: { column: 'user_id', staff: [] },
};

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  // Roles belong to the cluster, not the database: create it once, whoever gets there first.
  await sql`
    do $$ begin
      create role switchboard_app nologin;
    exception when duplicate_object or unique_violation then null;
    end $$`.execute(db);
  // The owner may switch to the app role (superusers may anyway). Membership is cluster-wide too,
  // so two databases migrating at once may race on it; the loser's grant is already there.
  await sql`
    do $$ begin
      execute format('grant %I to %I', 'switchboard_app', current_user);
    exception when unique_violation or internal_error then null;
    end $$`.execute(db);
  await sql`grant usage on schema public to ${sql.id(APP_ROLE)}`.execute(db);
  await sql`grant select, insert, update, delete on all tables in schema public to ${sql.id(APP_ROLE)}`.execute(
    db,
  );
  await sql`grant usage, select on all sequences in schema public to ${sql.id(APP_ROLE)}`.execute(db);
  // Tables later migrations create get the same grants; tables that need less revoke them there.
  await sql`alter default privileges in schema public grant select, insert, update, delete on tables to ${sql.id(APP_ROLE)}`.execute(
    db,
  );
  await sql`alter default privileges in schema public grant usage, select on sequences to ${sql.id(APP_ROLE)}`.execute(
    db,
  );
  // The migration ledger is the owner's business.
  await sql`revoke all on schema_migrations, schema_migrations_lock from ${sql.id(APP_ROLE)}`.execute(db);

  await sql`
    create function app_context() returns text language sql stable as
    $$ select coalesce(nullif(current_setting('app.context', true), ''), 'system') $$`.execute(db);
  await sql`
    create function app_user_id() returns uuid language sql stable as
    $$ select nullif(current_setting('app.user_id', true), '')::uuid $$`.execute(db);
  await sql`
    create function app_can(permission text) returns boolean language sql stable as
    $$ select permission = any(string_to_array(coalesce(current_setting('app.permissions', true), ''), ',')) $$`.execute(
    db,
  );

  for (const [table, { column, staff }] of Object.entries(OWNED)) {
    const staffCheck = staff.map((p) => sql`app_can(${sql.lit(p)})`);
    const rule = sql.join(
      [sql`app_context() = 'system'`, sql`${sql.ref(column)} = app_user_id()`, ...staffCheck],
      sql` or `,
    );
    await sql`alter table ${sql.table(table)} enable row level security`.execute(db);
    await sql`create policy owner_or_staff on ${sql.table(table)} using (${rule}) with check (${rule})`.execute(
      db,
    );
  }
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of Object.keys(OWNED)) {
    await sql`drop policy owner_or_staff on ${sql.table(table)}`.execute(db);
    await sql`alter table ${sql.table(table)} disable row level security`.execute(db);
  }
  await sql`drop function app_can(text)`.execute(db);
  await sql`drop function app_user_id()`.execute(db);
  await sql`drop function app_context()`.execute(db);
  await sql`alter default privileges in schema public revoke all on tables from ${sql.id(APP_ROLE)}`.execute(
    db,
  );
  await sql`alter default privileges in schema public revoke all on sequences from ${sql.id(APP_ROLE)}`.execute(
    db,
  );
  await sql`revoke all on all tables in schema public from ${sql.id(APP_ROLE)}`.execute(db);
  await sql`revoke all on all sequences in schema public from ${sql.id(APP_ROLE)}`.execute(db);
  await sql`revoke usage on schema public from ${sql.id(APP_ROLE)}`.execute(db);
  // The role itself stays: other databases on this server may still use it.
}
