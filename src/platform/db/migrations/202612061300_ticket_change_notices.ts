import { type Kysely, sql } from 'kysely';

/**
 * Any committed change to tickets, or to the workflow statuses that decide which inbox view a
 * ticket is in, is announced as `tickets.changed` on `switchboard_db_events` (the pub/sub
 * envelope, as users_changed does): nodes keep recently read ticket lists for a few seconds and
 * drop them all on this notice. Once per statement, and PostgreSQL folds identical notices of one
 * transaction into one, so a bulk change of 10,000 tickets sends one. Delivered on commit only,
 * by whoever wrote (the app on any node, a job, the CLI, plain SQL).
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function notify_tickets_changed() returns trigger language plpgsql as $fn$
    begin
      perform pg_notify('switchboard_db_events', '{"c":"tickets.changed","m":null}');
      return null;
    end $fn$`.execute(db);
  for (const table of ['tickets', 'ticket_statuses'])
    await sql`create trigger ${sql.id(`${table}_changed`)} after insert or update or delete or truncate
      on ${sql.table(table)} for each statement execute function notify_tickets_changed()`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['tickets', 'ticket_statuses'])
    await sql`drop trigger ${sql.id(`${table}_changed`)} on ${sql.table(table)}`.execute(db);
  await sql`drop function notify_tickets_changed()`.execute(db);
}
