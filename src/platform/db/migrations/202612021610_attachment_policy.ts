import { type Kysely, type RawBuilder, sql } from 'kysely';

/**
 * The attachments policy as the ticket policies became in 202612021600_ticket_indexes: the actor
 * functions wrapped in scalar subqueries, so they run once per query (an InitPlan) instead of once
 * per row, and the planner can use the message and ticket indexes. Same rules, same results.
 */
function policy(any: RawBuilder<unknown>, user: RawBuilder<unknown>) {
  const ownUpload = sql`message_id is null and uploader_id = ${user}`;
  const onOwnPublicMessage = sql`message_id is not null and exists (
    select 1 from ticket_messages m join tickets t on t.id = m.ticket_id
    where m.id = message_id and m.visibility = 'public' and t.requester_id = ${user})`;
  const rule = sql`${any} or ${ownUpload} or ${onOwnPublicMessage}`;
  return sql`alter policy uploader_requester_or_staff on ticket_attachments using (${rule}) with check (${rule})`;
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  await policy(
    sql`(select app_context() = 'system' or app_can('tickets:read:any'))`,
    sql`(select app_user_id())`,
  ).execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  await policy(sql`app_context() = 'system' or app_can('tickets:read:any')`, sql`app_user_id()`).execute(db);
}
