import { type Kysely, sql } from 'kysely';

/** A new notification kind: the agent a ticket is assigned to (by someone else) hears of it. */
const BEFORE = sql`('ticket_created', 'agent_reply', 'status_changed', 'customer_reply')`;
const AFTER = sql`('ticket_created', 'agent_reply', 'status_changed', 'customer_reply', 'ticket_assigned')`;

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
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from ticket_notifications where kind = 'ticket_assigned'`.execute(db);
  await sql`delete from notification_preferences where kind = 'ticket_assigned'`.execute(db);
  await allow(db, BEFORE);
}
