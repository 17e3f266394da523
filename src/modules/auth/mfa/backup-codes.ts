import { createHash, createHmac, randomBytes, randomInt } from 'node:crypto';
import { hashRaw } from '@node-rs/argon2';
import type { Transaction } from 'kysely';
import type { DB } from '../../../platform/db/schema.js';
import { ARGON2_PARAMS } from '../passwords/hash.js';
import './table.js';

export const BACKUP_CODE_COUNT = 10;
// 10 characters from a 32-letter alphabet without look-alikes: 50 bits each, shown once.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

const normalize = (code: string) => code.toLowerCase().replace(/[\s-]/g, '');

/**
 * 50 bits is below the 112 at which NIST SP 800-63B §5.1.2.2 allows a plain hash, so codes are
 * hashed like passwords: argon2id (OWASP parameters), a random 128-bit salt per set of codes, and a
 * secret key from SECRET_KEY (the "pepper" of §5.1.1.2), so a leaked table alone cracks nothing.
 * One salt per set costs a single argon2 run per attempt (the ten codes compare by equality);
 * since any one code signs in, per-code salts would not slow an attacker who holds the table.
 */
const hashCode = (secretKey: string, salt: Buffer, code: string): Promise<Buffer> =>
  hashRaw(normalize(code), {
    ...ARGON2_PARAMS,
    salt,
    secret: createHmac('sha256', secretKey).update('backup-codes').digest(),
    outputLen: 32,
  });

/** Codes made before salting: a SHA-256 digest, checked only while such a row is left unused. */
const legacyHash = (code: string) => createHash('sha256').update(normalize(code)).digest();

function newCode(): string {
  let code = '';
  for (let i = 0; i < 10; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/** Replaces the user's backup codes with 10 new ones; returns them for showing once. */
export async function regenerateBackupCodes(
  trx: Transaction<DB>,
  secretKey: string,
  userId: string,
): Promise<string[]> {
  const codes = Array.from({ length: BACKUP_CODE_COUNT }, newCode);
  const salt = randomBytes(16);
  const hashes = await Promise.all(codes.map((code) => hashCode(secretKey, salt, code)));
  await trx.deleteFrom('mfa_backup_codes').where('user_id', '=', userId).execute();
  await trx
    .insertInto('mfa_backup_codes')
    .values(hashes.map((code_hash) => ({ user_id: userId, code_hash, salt })))
    .execute();
  return codes;
}

/** Uses up a backup code; false when it is wrong or already used. */
export async function useBackupCode(
  trx: Transaction<DB>,
  secretKey: string,
  userId: string,
  code: string,
): Promise<boolean> {
  const salts = await trx
    .selectFrom('mfa_backup_codes')
    .select('salt')
    .distinct()
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .execute();
  for (const { salt } of salts) {
    const hash = salt ? await hashCode(secretKey, salt, code) : legacyHash(code);
    // The condition in the UPDATE makes two concurrent uses of one code impossible.
    const used = await trx
      .updateTable('mfa_backup_codes')
      .set({ used_at: new Date() })
      .where('user_id', '=', userId)
      .where('code_hash', '=', hash)
      .where('used_at', 'is', null)
      .returning('user_id')
      .executeTakeFirst();
    if (used) return true;
  }
  return false;
}
