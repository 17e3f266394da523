import { type Kysely, sql } from 'kysely';

/**
 * SMS consent and texts out (issue 20).
 * - `sms_opt_outs`: the opt-out ledger, one row per change (a STOP, a START, Twilio's 21610 …) with
 *   its time and source, never updated or deleted (a trigger refuses both, for every role): whether
 *   a phone may be texted from a line is its latest row.
 * - `sms_messages` gains what a text out needs: when a send was last attempted (a retry after a
 *   crash asks Twilio whether that attempt got through before sending again), its segments and
 *   encoding as the phone counts them, what kind of text it is, and a reply's outcomes.
 * - `sms_numbers.last_sent_at` paces a line's texts (long codes: about one a second).
 */
const SMS_ADMIN = sql`app_context() = 'system' or app_can('sms:manage')`;

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sms_opt_outs')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('number_id', 'uuid', (c) => c.notNull().references('sms_numbers.id'))
    .addColumn('phone', 'text', (c) => c.notNull().check(sql`phone ~ '^\\+[1-9][0-9]{6,14}$'`))
    .addColumn('opted_out', 'boolean', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('keyword', 'provider', 'admin')`))
    .addColumn('keyword', 'text', (c) => c.check(sql`length(keyword) <= 20`))
    .addColumn('message_id', 'uuid', (c) => c.references('sms_messages.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index sms_opt_outs_phone_idx on sms_opt_outs (number_id, phone, id desc)`.execute(db);
  await sql`alter table sms_opt_outs enable row level security`.execute(db);
  await sql`create policy sms_admins on sms_opt_outs using (${SMS_ADMIN}) with check (${SMS_ADMIN})`.execute(
    db,
  );
  await sql`
    create function sms_opt_outs_append_only() returns trigger language plpgsql as $fn$
    begin
      raise exception 'sms_opt_outs is append-only';
    end $fn$`.execute(db);
  await sql`create trigger sms_opt_outs_append_only before update or delete or truncate on sms_opt_outs
    for each statement execute function sms_opt_outs_append_only()`.execute(db);

  await sql`alter table sms_messages
    add column kind text not null default 'text' check (kind in ('text', 'reply', 'consent', 'help')),
    add column segments integer,
    add column encoding text check (encoding in ('GSM-7', 'UCS-2')),
    add column attempted_at timestamptz,
    add column sent_at timestamptz`.execute(db);
  await sql`alter table sms_messages drop constraint sms_messages_outcome_check`.execute(db);
  await sql`alter table sms_messages add constraint sms_messages_outcome_check check (outcome in
    ('new-ticket', 'reply', 'refused-unknown', 'refused-disabled', 'opt-out', 'opt-in', 'help'))`.execute(db);
  await sql`alter table sms_numbers add column last_sent_at timestamptz`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table sms_numbers drop column last_sent_at`.execute(db);
  await sql`delete from sms_messages where outcome in ('opt-out', 'opt-in', 'help')`.execute(db);
  await sql`alter table sms_messages drop constraint sms_messages_outcome_check`.execute(db);
  await sql`alter table sms_messages add constraint sms_messages_outcome_check check (outcome in
    ('new-ticket', 'reply', 'refused-unknown', 'refused-disabled'))`.execute(db);
  await sql`alter table sms_messages drop column kind, drop column segments, drop column encoding,
    drop column attempted_at, drop column sent_at`.execute(db);
  await db.schema.dropTable('sms_opt_outs').execute();
  await sql`drop function sms_opt_outs_append_only()`.execute(db);
}
