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
 * moment), so codes are stored as an HMAC under a key derived from SECRET_KEY. A sign-in code is
 * also bound to the sign-in attempt it was sent for (the pending session): it matches in that
 * attempt only, so someone else who knows the password and starts their own attempt cannot finish
 * it with the code texted for the owner's.
 */
function hashCode(
  secretKey: string,
  userId: string,
  purpose: SmsPurpose,
  code: string,
  attempt = '',
): Buffer {
  return createHmac('sha256', secretKey).update(`sms:${purpose}:${userId}:${attempt}:${code}`).digest();
}

export interface SmsCodeTarget {
  userId: string;
  purpose: SmsPurpose;
  /** The sign-in attempt a sign-in code belongs to (the pending session's id hash). */
  attempt?: string;
}

/** Creates a new code, replacing any earlier one for the same purpose; returns it for sending. */
export async function issueSmsCode(
  trx: Transaction<DB>,
  secretKey: string,
  target: SmsCodeTarget,
  phone: string,
): Promise<string> {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const row = {
    user_id: target.userId,
    purpose: target.purpose,
    phone,
    code_hash: hashCode(secretKey, target.userId, target.purpose, code, target.attempt),
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
 * returned. Every guess counts, and after five the code is dead. A wrong code returns undefined
 * and never throws: the caller lets its transaction commit (so the count stays) and refuses after
 * the commit. A count inside a transaction that the refusal rolled back would undo itself, and
 * the code could be guessed without limit.
 */
export async function consumeSmsCode(
  trx: Transaction<DB>,
  secretKey: string,
  target: SmsCodeTarget,
  code: string,
): Promise<string | undefined> {
  const { userId, purpose } = target;
  // The row lock this UPDATE takes also orders concurrent guesses: each sees the count before it.
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
  if (!timingSafeEqual(row.code_hash, hashCode(secretKey, userId, purpose, code, target.attempt)))
    return undefined;
  await trx.deleteFrom('sms_codes').where('user_id', '=', userId).where('purpose', '=', purpose).execute();
  return row.phone;
}
