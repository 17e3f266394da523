import { type Kysely, sql } from 'kysely';

/**
 * What the OAuth server keeps (grants, codes, refresh tokens, sessions, interactions), one table
 * for every model, as oidc-provider's adapter contract expects. Tokens are looked up by id; a
 * whole grant is revoked by grant id; consumption is a timestamp set once.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('oauth_store')
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('grant_id', 'text')
    .addColumn('user_code', 'text')
    .addColumn('uid', 'text')
    .addColumn('expires_at', 'timestamptz')
    .addColumn('consumed_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('oauth_store_pk', ['model', 'id'])
    .execute();
  await db.schema
    .createIndex('oauth_store_grant_idx')
    .on('oauth_store')
    .column('grant_id')
    .where('grant_id', 'is not', null)
    .execute();
  await db.schema
    .createIndex('oauth_store_uid_idx')
    .on('oauth_store')
    .columns(['model', 'uid'])
    .where('uid', 'is not', null)
    .execute();
  await db.schema
    .createIndex('oauth_store_user_code_idx')
    .on('oauth_store')
    .columns(['model', 'user_code'])
    .where('user_code', 'is not', null)
    .execute();
  await db.schema.createIndex('oauth_store_expiry_idx').on('oauth_store').column('expires_at').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('oauth_store').execute();
}
