import { type Kysely, sql } from 'kysely';

/**
 * Token signing keys, shared by every node. Private halves are sealed with a key derived from
 * SECRET_KEY; a key is published from `created_at`, signs from `activates_at`, and is withdrawn at
 * `retires_at` (once every token it signed has expired).
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('signing_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('alg', 'text', (c) => c.notNull().check(sql`alg in ('EdDSA', 'ES256')`))
    .addColumn('public_jwk', 'jsonb', (c) => c.notNull())
    .addColumn('private_jwk_sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('activates_at', 'timestamptz', (c) => c.notNull())
    .addColumn('retires_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('signing_keys_activates_idx')
    .on('signing_keys')
    .column('activates_at')
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('signing_keys').execute();
}
