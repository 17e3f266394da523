import { createHash, randomInt } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { DB } from '../../../platform/db/schema.js';
import './table.js';

export const BACKUP_CODE_COUNT = 10;
// 10 characters from a 32-letter alphabet without look-alikes: 50 bits each, shown once.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

const normalize = (code: string) => code.toLowerCase().replace(/[\s-]/g, '');
const hashCode = (code: string) => createHash('sha256').update(normalize(code)).digest();

function newCode(): string {
  let code = '';
  for (let i = 0; i < 10; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/** Replaces the user's backup codes with 10 new ones; returns them for showing once. */
export async function regenerateBackupCodes(trx: Transaction<DB>, userId: string): Promise<string[]> {
  const codes = Array.from({ length: BACKUP_CODE_COUNT }, newCode);
  await trx.deleteFrom('mfa_backup_codes').where('user_id', '=', userId).execute();
  await trx
    .insertInto('mfa_backup_codes')
    .values(codes.map((code) => ({ user_id: userId, code_hash: hashCode(code) })))
    .execute();
  return codes;
}

/** Uses up a backup code; false when it is wrong or already used. */
export async function useBackupCode(trx: Transaction<DB>, userId: string, code: string): Promise<boolean> {
  const used = await trx
    .updateTable('mfa_backup_codes')
    .set({ used_at: new Date() })
    .where('user_id', '=', userId)
    .where('code_hash', '=', hashCode(code))
    .where('used_at', 'is', null)
    .returning('user_id')
    .executeTakeFirst();
  return used !== undefined;
}
