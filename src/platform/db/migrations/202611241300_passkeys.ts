import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  // A passkey is one more kind of factor: listing, naming, removing and the "second factor due"
  // decision then treat every factor alike.
  await sql`alter table mfa_factors drop constraint mfa_factors_kind_check`.execute(db);
  await sql`alter table mfa_factors add constraint mfa_factors_kind_check check (kind in ('totp', 'sms', 'passkey'))`.execute(
    db,
  );
  await db.schema
    .alterTable('mfa_factors')
    // WebAuthn credential id (base64url), unique across all users: it is how an assertion finds its key.
    .addColumn('credential_id', 'text', (c) => c.unique())
    .addColumn('public_key', 'bytea')
    .addColumn('sign_count', 'bigint')
    .addColumn('transports', sql`text[]`)
    .execute();

  // Outstanding WebAuthn challenges. In the database rather than the cache so that any node can
  // finish a ceremony another started, and so that consuming one (DELETE … RETURNING) is atomic.
  await db.schema
    .createTable('webauthn_challenges')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('register', 'authenticate')`))
    // Bound to the user for registration and second-factor use; null for passwordless sign-in.
    .addColumn('user_id', 'uuid', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('challenge', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('webauthn_challenges_expiry_idx')
    .on('webauthn_challenges')
    .column('expires_at')
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('webauthn_challenges').execute();
  await db.deleteFrom('mfa_factors').where('kind', '=', 'passkey').execute();
  await db.schema
    .alterTable('mfa_factors')
    .dropColumn('credential_id')
    .dropColumn('public_key')
    .dropColumn('sign_count')
    .dropColumn('transports')
    .execute();
  await sql`alter table mfa_factors drop constraint mfa_factors_kind_check`.execute(db);
  await sql`alter table mfa_factors add constraint mfa_factors_kind_check check (kind in ('totp', 'sms'))`.execute(
    db,
  );
}
