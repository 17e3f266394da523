import { type Kysely, sql } from 'kysely';

/**
 * Apps registered by administrators to use Switchboard's API. Confidential clients keep only a
 * SHA-256 of their secret (a 256-bit random value, so a fast hash is enough, as for session ids):
 * the secret is shown once, when it is created or rotated.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('oauth_clients')
    .addColumn('client_id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull().check(sql`type in ('public', 'confidential')`))
    .addColumn('redirect_uris', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('grant_types', sql`text[]`, (c) => c.notNull())
    .addColumn('scopes', sql`text[]`, (c) => c.notNull())
    .addColumn('secret_hash', 'text')
    .addColumn('secret_rotated_at', 'timestamptz')
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      'oauth_clients_secret_matches_type',
      sql`(type = 'confidential') = (secret_hash is not null)`,
    )
    .execute();
  // Registering apps is an administrator's job; the built-in admin role gets the new permission.
  await db
    .insertInto('role_permissions')
    .values({ role: 'admin', permission: 'oauth_clients:manage' })
    .onConflict((c) => c.doNothing())
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  await db.deleteFrom('role_permissions').where('permission', '=', 'oauth_clients:manage').execute();
  await db.schema.dropTable('oauth_clients').execute();
}
