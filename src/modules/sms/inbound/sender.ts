import type { Transaction } from 'kysely';
import { findUserByEmail, insertUser, type UserSummary } from '../../../identity/users/repo.js';
import type { DB } from '../../../platform/db/schema.js';

/**
 * The account a phone speaks for: the earliest user who verified it (a code texted to it, the
 * profile's phone check). Anyone may type any number into a profile; only a verified one counts.
 */
export const userByVerifiedPhone = (trx: Transaction<DB>, phone: string) =>
  trx
    .selectFrom('users')
    .select(['id', 'status'])
    .where('phone', '=', phone)
    .where('phone_verified_at', 'is not', null)
    .orderBy('phone_verified_at')
    .limit(1)
    .executeTakeFirst();

/**
 * The address of the unverified customer a phone becomes: `.invalid` (RFC 2606) never receives
 * mail, and one phone always maps to the same account, so its texts stay together.
 */
export const phoneAddress = (phone: string): string => `sms-${phone.slice(1)}@phone.invalid`;

/**
 * A phone as lists show it: the first four characters (`+316`) and the last three digits, the rest
 * hidden, so an inbox full of texters does not hand out their numbers (issue 20, item 6).
 */
export const maskedPhone = (phone: string): string =>
  `${phone.slice(0, 4)}${'•'.repeat(Math.max(phone.length - 7, 1))}${phone.slice(-3)}`;

/** The unverified customer for a phone nobody verified, made on its first text (named by its masked number). */
export async function phoneCustomer(
  trx: Transaction<DB>,
  phone: string,
): Promise<Pick<UserSummary, 'id' | 'status'>> {
  const email = phoneAddress(phone);
  const user =
    (await insertUser(trx, {
      email,
      display_name: maskedPhone(phone),
      company: null,
      phone,
      password_hash: null,
      password_changed_at: null,
    })) ?? (await findUserByEmail(trx, email));
  return user!;
}
