import { type Kysely, sql } from 'kysely';

/**
 * The audit log: append-only, hash-chained (see src/modules/audit/chain.ts). The app role may only
 * add and read rows; retention purges through a function that runs with the owner's rights and
 * records where the chain continues (audit_anchor). Sign-in events recorded before this migration
 * stay in auth_events.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) =>
      c.notNull().check(sql`actor_type in ('user', 'system', 'api_client', 'cli', 'anonymous')`),
    )
    .addColumn('actor_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text')
    .addColumn('target_id', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('success', 'failure', 'denied')`))
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('request_id', 'text')
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('prev_hash', 'bytea', (c) => c.notNull())
    .addColumn('hash', 'bytea', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_occurred_idx').on('audit_log').column('occurred_at').execute();
  await db.schema.createIndex('audit_log_actor_idx').on('audit_log').columns(['actor_id', 'id']).execute();
  await db.schema.createIndex('audit_log_action_idx').on('audit_log').columns(['action', 'id']).execute();
  await db.schema
    .createIndex('audit_log_target_idx')
    .on('audit_log')
    .columns(['target_type', 'target_id', 'id'])
    .execute();

  await db.schema
    .createTable('audit_anchor')
    .addColumn('id', 'boolean', (c) => c.primaryKey().defaultTo(true).check(sql`id`))
    .addColumn('last_purged_id', 'bigint', (c) => c.notNull())
    .addColumn('last_purged_hash', 'bytea', (c) => c.notNull())
    .addColumn('purged_at', 'timestamptz', (c) => c.notNull())
    .execute();

  // INSERT and SELECT only: nobody working through the app can change or remove history.
  await sql`revoke update, delete, truncate on audit_log, audit_anchor from switchboard_app`.execute(db);
  await sql`revoke insert on audit_anchor from switchboard_app`.execute(db);

  // Retention: removes rows older than `cutoff`, after noting the last removed row's id and hash so
  // the chain still verifies from there. Owner's rights (security definer), callable by the app.
  await sql`
    create function audit_purge(cutoff timestamptz) returns bigint
    language plpgsql security definer set search_path = public as $$
    declare last_row record; removed bigint;
    begin
      perform pg_advisory_xact_lock(7355608);
      select id, hash into last_row from audit_log where occurred_at < cutoff order by id desc limit 1;
      if last_row.id is null then return 0; end if;
      insert into audit_anchor (id, last_purged_id, last_purged_hash, purged_at)
        values (true, last_row.id, last_row.hash, now())
        on conflict (id) do update set last_purged_id = excluded.last_purged_id,
          last_purged_hash = excluded.last_purged_hash, purged_at = excluded.purged_at;
      delete from audit_log where id <= last_row.id;
      get diagnostics removed = row_count;
      return removed;
    end $$`.execute(db);
  await sql`revoke all on function audit_purge(timestamptz) from public`.execute(db);
  await sql`grant execute on function audit_purge(timestamptz) to switchboard_app`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function audit_purge(timestamptz)`.execute(db);
  await db.schema.dropTable('audit_anchor').execute();
  await db.schema.dropTable('audit_log').execute();
}
