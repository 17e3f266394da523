import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { DB } from '../../../platform/db/schema.js';

export interface SmsCodesTable {
  user_id: string;
  purpose: string;
  phone: string;
  code_hash: Buffer;
  attempts: number;
  expires_at: Date;
  created_at: Date;
}

declare module '../../../platform/db/schema.js' {
  interface DB {
    sms_codes: SmsCodesTable;
  }
}

/** Ten minutes (the accounts issue), and five guesses per code: 1 in 200,000 to guess one. */
export const SMS_CODE_TTL_MS = 10 * 60_000;
const MAX_ATTEMPTS = 5;

export type SmsPurpose = 'verify_phone' | 'mfa';

/**
 * Six digits are too few to store as a plain hash (a leaked table could be brute-forced in a
 * moment), so codes are stored as an HMAC under a key derived from SECRET_KEY.
 */
function hashCode(secretKey: string, userId: string, purpose: SmsPurpose, code: string): Buffer {
  return createHmac('sha256', secretKey).update(`sms:${purpose}:${userId}:${code}`).digest();
}

/** Creates a new code, replacing any earlier one for the same purpose; returns it for sending. */
export async function issueSmsCode(
  trx: Transaction<DB>,
  secretKey: string,
  userId: string,
  purpose: SmsPurpose,
  phone: string,
): Promise<string> {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const row = {
    user_id: userId,
    purpose,
    phone,
    code_hash: hashCode(secretKey, userId, purpose, code),
    attempts: 0,
    expires_at: new Date(Date.now() + SMS_CODE_TTL_MS),
    created_at: new Date(),
  };
  await trx
    .insertInto('sms_codes')
    .values(row)
    .onConflict((c) => c.columns(['user_id', 'purpose']).doUpdateSet(row))
    .execute();
  return code;
}

/**
 * Checks a code; on success the code is gone (single use) and the phone it was sent to is
 * returned. Every wrong guess counts; after five the code is dead.
 */
export async function consumeSmsCode(
  trx: Transaction<DB>,
  secretKey: string,
  userId: string,
  purpose: SmsPurpose,
  code: string,
): Promise<string | undefined> {
  const row = await trx
    .updateTable('sms_codes')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('expires_at', '>', new Date())
    .where('attempts', '<', MAX_ATTEMPTS)
    .returning(['code_hash', 'phone'])
    .executeTakeFirst();
  if (!row || !/^\d{6}$/.test(code)) return undefined;
  if (!timingSafeEqual(row.code_hash, hashCode(secretKey, userId, purpose, code))) return undefined;
  await trx.deleteFrom('sms_codes').where('user_id', '=', userId).where('purpose', '=', purpose).execute();
  return row.phone;
}
