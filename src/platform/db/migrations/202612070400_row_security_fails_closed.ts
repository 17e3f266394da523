import { type Kysely, sql } from 'kysely';

/**
 * Row-level security fails closed. Until now a connection that carried no `app.context` counted as
 * `system` and passed every policy, so any path that forgot to stamp its connection saw every row.
 * Now an unset (or unknown) context is nobody: every policy compares `app_context()` with 'system'
 * or the row's owner with `app_user_id()`, so an unstamped connection sees and writes no row of a
 * table under row-level security. System access is an explicit stamp (connection.ts). The policies
 * call the function by name, so replacing its body changes them all at once.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function app_context() returns text language sql stable as
    $$ select coalesce(current_setting('app.context', true), '') $$`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function app_context() returns text language sql stable as
    $$ select coalesce(nullif(current_setting('app.context', true), ''), 'system') $$`.execute(db);
}
