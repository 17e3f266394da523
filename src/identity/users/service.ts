import type { Transaction } from 'kysely';
import type { Static } from 'typebox';
import type { DB } from '../../platform/db/schema.js';
import { AppError } from '../../shared/errors.js';
import { type UserRow, updateUser } from './repo.js';
import type { ProfilePatch } from './schemas.js';

/** The IANA zones this Node knows, for validation and for the profile page's list. */
export const TIME_ZONES: readonly string[] = [
  'UTC',
  ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC'),
];
const KNOWN_TIME_ZONES = new Set(TIME_ZONES);

/** Applies a profile change; an unknown time zone is refused by name (the IANA list of this Node). */
export async function updateProfile(
  trx: Transaction<DB>,
  userId: string,
  patch: Static<typeof ProfilePatch>,
): Promise<UserRow> {
  if (patch.timeZone !== undefined && patch.timeZone !== null && !KNOWN_TIME_ZONES.has(patch.timeZone)) {
    throw new AppError('validation_failed', `${patch.timeZone} is not a known time zone.`, {
      errors: [{ pointer: '/body/timeZone', detail: 'is not a known IANA time zone' }],
    });
  }
  const user = await updateUser(trx, userId, {
    ...(patch.displayName !== undefined ? { display_name: patch.displayName.trim() } : {}),
    ...(patch.company !== undefined ? { company: patch.company?.trim() || null } : {}),
    ...(patch.locale !== undefined ? { locale: patch.locale } : {}),
    ...(patch.timeZone !== undefined ? { time_zone: patch.timeZone } : {}),
  });
  if (!user) throw new AppError('not_found');
  return user;
}
