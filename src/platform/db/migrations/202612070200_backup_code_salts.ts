import type { Kysely } from 'kysely';

/**
 * Backup codes are stored as salted argon2id hashes (NIST SP 800-63B §5.1.2.2: look-up secrets
 * under 112 bits are salted and hashed with a key derivation function). Rows from before keep a
 * null salt: they are plain SHA-256 digests of codes nobody but their owner knows, so they cannot
 * be re-hashed here; they keep working until the owner makes new codes.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('mfa_backup_codes').addColumn('salt', 'bytea').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time
export async function down(db: Kysely<any>): Promise<void> {
  // Salted codes cannot be checked by the older code: they go (their owners make new ones).
  await db.deleteFrom('mfa_backup_codes').where('salt', 'is not', null).execute();
  await db.schema.alterTable('mfa_backup_codes').dropColumn('salt').execute();
}
