import { type Kysely, sql } from 'kysely';

/**
 * The opt-out ledger's append-only trigger fired per statement, so an update or delete that
 * matched no row (row-level security had hidden them all) failed too; it now fires per row, and a
 * TRUNCATE per statement. The app role also loses UPDATE and DELETE on the ledger: it only ever
 * appends, so the grant is not needed, and the trigger still stops the owner.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop trigger sms_opt_outs_append_only on sms_opt_outs`.execute(db);
  await sql`create trigger sms_opt_outs_append_only before update or delete on sms_opt_outs
    for each row execute function sms_opt_outs_append_only()`.execute(db);
  await sql`create trigger sms_opt_outs_no_truncate before truncate on sms_opt_outs
    for each statement execute function sms_opt_outs_append_only()`.execute(db);
  await sql`revoke update, delete on sms_opt_outs from switchboard_app`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  await sql`grant update, delete on sms_opt_outs to switchboard_app`.execute(db);
  await sql`drop trigger sms_opt_outs_no_truncate on sms_opt_outs`.execute(db);
  await sql`drop trigger sms_opt_outs_append_only on sms_opt_outs`.execute(db);
  await sql`create trigger sms_opt_outs_append_only before update or delete or truncate on sms_opt_outs
    for each statement execute function sms_opt_outs_append_only()`.execute(db);
}
