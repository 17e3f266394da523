import { type Kysely, sql } from 'kysely';

/**
 * Personal lines are private (issue 20, item 6): the texts on a person's own number are theirs to
 * read, and only roles granted `sms:read:any` (administrators) read everyone's. Row-level security
 * says so for `sms_messages`, as it does for tickets, so a query that forgets to filter still
 * cannot show one person's texts to another.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  // SMS administrators kept reading every text; now they read team lines' texts (for the usage
  // page) and, like everyone, their own line's; everyone's takes sms:read:any.
  await sql`drop policy sms_admins on sms_messages`.execute(db);
  await sql`create policy system_all on sms_messages
    using (app_context() = 'system') with check (app_context() = 'system')`.execute(db);
  await sql`create policy readers on sms_messages for select using (
    app_can('sms:read:any')
    or number_id in (select id from sms_numbers where owner_id = app_user_id())
    or (app_can('sms:manage') and number_id in (select id from sms_numbers where owner_id is null))
  )`.execute(db);
  await sql`insert into role_permissions (role, permission) values ('admin', 'sms:read:any')
    on conflict do nothing`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from role_permissions where permission = 'sms:read:any'`.execute(db);
  await sql`drop policy readers on sms_messages`.execute(db);
  await sql`drop policy system_all on sms_messages`.execute(db);
  await sql`create policy sms_admins on sms_messages
    using (app_context() = 'system' or app_can('sms:manage'))
    with check (app_context() = 'system' or app_can('sms:manage'))`.execute(db);
}
