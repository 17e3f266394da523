import { type Kysely, sql } from 'kysely';

/**
 * Every committed change to a user row is announced on the `switchboard_db_events` channel, in the
 * pub/sub envelope (`{"c": channel, "m": message}`, src/platform/pubsub/envelope.ts) on the
 * `users.changed` channel with the user's id. Nodes keep a user's row in memory for a few seconds
 * (AUTH_CACHE_SECONDS) and drop it on this notice. NOTIFY is transactional: it is delivered on
 * commit and never for a rolled-back change, so no node can re-read the old row after the notice;
 * and it covers every writer, the CLI and plain SQL included, not only the app's own updates.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function notify_user_changed() returns trigger language plpgsql as $fn$
    begin
      perform pg_notify('switchboard_db_events', json_build_object('c', 'users.changed', 'm', old.id)::text);
      return null;
    end $fn$`.execute(db);
  await sql`create trigger users_changed after update or delete on users
    for each row execute function notify_user_changed()`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger users_changed on users`.execute(db);
  await sql`drop function notify_user_changed()`.execute(db);
}
