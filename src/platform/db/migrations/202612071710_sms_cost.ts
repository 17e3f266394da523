import { type Kysely, sql } from 'kysely';

/**
 * What a text cost (issue 20): Twilio reports a message's price (negative: money spent) and its
 * currency in the status callback or on the message resource; it is kept as a positive amount.
 * `sent_by` is the user a text out was sent for, so cost adds up per person.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table sms_messages
    add column price numeric(12, 5) check (price >= 0),
    add column price_unit text check (price_unit ~ '^[A-Z]{3}$'),
    add column sent_by uuid references users(id) on delete set null`.execute(db);
  await sql`create index sms_messages_month_idx on sms_messages (created_at)`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index sms_messages_month_idx`.execute(db);
  await sql`alter table sms_messages drop column price, drop column price_unit, drop column sent_by`.execute(
    db,
  );
}
