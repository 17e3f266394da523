import { type Kysely, sql } from 'kysely';

/**
 * Closes three ways to rewrite the audit log (issue 15, item 8):
 * - rows get a chain version: existing rows are 1 (plain SHA-256, verified as before); the app writes
 *   2 (HMAC-SHA-256 under a key derived from SECRET_KEY, which the database never holds). Old rows
 *   are not re-hashed: that would need the key here, and re-hashing history is what the log must
 *   never allow; the first keyed append signs the last unkeyed row instead, sealing it.
 * - audit_checkpoints: signed marks of the chain's head and of every purge, outside audit_log; the
 *   app role may only add and read them, so deleting the newest rows no longer goes unnoticed.
 * - audit_purge() never removes rows younger than the retention floor in audit_retention (which
 *   only the owner changes, `switchboard audit retention`), whatever cutoff its caller passes.
 */
const APP = sql.id('switchboard_app');

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table audit_log add column chain_version smallint not null default 1
    constraint audit_log_chain_version_check check (chain_version in (1, 2))`.execute(db);
  // From now on every insert says how its hash was made.
  await sql`alter table audit_log alter column chain_version drop default`.execute(db);

  await db.schema
    .createTable('audit_checkpoints')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('head', 'purge')`))
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('hash', 'bytea', (c) => c.notNull())
    .addColumn('made_at', 'timestamptz', (c) => c.notNull())
    .addColumn('signature', 'bytea', (c) => c.notNull())
    .execute();
  await sql`revoke all on audit_checkpoints from ${APP}`.execute(db);
  await sql`grant select, insert on audit_checkpoints to ${APP}`.execute(db);
  await sql`grant usage on sequence audit_checkpoints_id_seq to ${APP}`.execute(db);

  await db.schema
    .createTable('audit_retention')
    .addColumn('id', 'boolean', (c) => c.primaryKey().defaultTo(true).check(sql`id`))
    .addColumn('days', 'integer', (c) => c.notNull().check(sql`days >= 1`))
    .execute();
  // AUDIT_RETENTION_DAYS' default; an install keeping less lowers it as the owner.
  await sql`insert into audit_retention (id, days) values (true, 400)`.execute(db);
  await sql`revoke all on audit_retention from ${APP}`.execute(db);
  await sql`grant select on audit_retention to ${APP}`.execute(db);

  await sql`
    create or replace function audit_purge(cutoff timestamptz) returns bigint
    language plpgsql security definer set search_path = public as $$
    declare last_row record; removed bigint; oldest_kept timestamptz; first_kept bigint;
    begin
      select now() - make_interval(days => days) into oldest_kept from audit_retention;
      if oldest_kept is null then raise exception 'audit_retention has no floor'; end if;
      if cutoff is null or cutoff > oldest_kept then cutoff := oldest_kept; end if;
      perform pg_advisory_xact_lock(7355608);
      -- Only the unbroken run of old rows at the start: a row dated in the past appended at the end
      -- (the app role may insert) must not take every row before it along.
      select id into first_kept from audit_log where occurred_at >= cutoff order by id limit 1;
      select id, hash into last_row from audit_log
        where occurred_at < cutoff and (first_kept is null or id < first_kept) order by id desc limit 1;
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
  await sql`grant execute on function audit_purge(timestamptz) to ${APP}`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function audit_purge(cutoff timestamptz) returns bigint
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
  await db.schema.dropTable('audit_retention').execute();
  await db.schema.dropTable('audit_checkpoints').execute();
  await sql`alter table audit_log drop column chain_version`.execute(db);
}
