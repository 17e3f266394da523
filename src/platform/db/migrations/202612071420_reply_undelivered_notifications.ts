import { type Kysely, sql } from 'kysely';

/**
 * A new notification kind: a reply mailed from a ticket bounced, and the agent it is assigned to
 * (or, unassigned, the team) hears of it. And a small index of the messages that were mailed out,
 * which `/metrics` counts by delivery state at every scrape.
 */
const BEFORE = sql`('ticket_created', 'agent_reply', 'status_changed', 'customer_reply', 'ticket_assigned')`;
const AFTER = sql`('ticket_created', 'agent_reply', 'status_changed', 'customer_reply', 'ticket_assigned', 'reply_undelivered')`;

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
async function allow(db: Kysely<any>, kinds: typeof BEFORE): Promise<void> {
  for (const table of ['ticket_notifications', 'notification_preferences']) {
    const name = sql.id(`${table}_kind_check`);
    await sql`alter table ${sql.table(table)} drop constraint ${name}`.execute(db);
    await sql`alter table ${sql.table(table)} add constraint ${name} check (kind in ${kinds})`.execute(db);
  }
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  await allow(db, AFTER);
  await sql`create index ticket_messages_mailed on ticket_messages (delivery_status) where delivery_status <> 'received'`.execute(
    db,
  );
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index ticket_messages_mailed`.execute(db);
  await sql`delete from ticket_notifications where kind = 'reply_undelivered'`.execute(db);
  await sql`delete from notification_preferences where kind = 'reply_undelivered'`.execute(db);
  await allow(db, BEFORE);
}
