import { type Kysely, sql } from 'kysely';

/**
 * A person's language and time zone become optional (issue 17): null means "follow my browser"
 * (the language switch or Accept-Language; the zone the browser reports), which is what someone who
 * never chose expects. The old defaults ('en', 'UTC') said a choice had been made when none had:
 * rows still holding them are taken as not chosen.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table users alter column locale drop not null, alter column locale drop default,
    alter column time_zone drop not null, alter column time_zone drop default`.execute(db);
  await sql`update users set locale = null where locale = 'en'`.execute(db);
  await sql`update users set time_zone = null where time_zone = 'UTC'`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  await sql`update users set locale = coalesce(locale, 'en'), time_zone = coalesce(time_zone, 'UTC')`.execute(
    db,
  );
  await sql`alter table users alter column locale set default 'en', alter column locale set not null,
    alter column time_zone set default 'UTC', alter column time_zone set not null`.execute(db);
}
