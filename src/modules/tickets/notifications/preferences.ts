import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../../platform/db/schema.js';
import { preferenceRows, upsertPreferences } from './repo.js';
import { NOTIFICATION_KINDS, type NotificationKind } from './table.js';

type Db = Kysely<DB> | Transaction<DB>;
export type Preferences = Record<NotificationKind, boolean>;

/** Who a kind is for, and how the preferences describe it. */
export const KINDS: Record<NotificationKind, { audience: 'requester' | 'team'; label: string }> = {
  ticket_created: { audience: 'requester', label: 'A request of mine is opened (with its number)' },
  agent_reply: { audience: 'requester', label: 'The team replies to a request of mine' },
  status_changed: { audience: 'requester', label: 'The status of a request of mine changes' },
  customer_reply: {
    audience: 'team',
    label: 'A customer replies on a ticket assigned to me (or on an unassigned one)',
  },
  ticket_assigned: { audience: 'team', label: 'Someone else assigns a ticket to me' },
  reply_undelivered: {
    audience: 'team',
    label: 'A reply mailed from a ticket of mine (or an unassigned one) could not be delivered',
  },
};

export const isKind = (value: string): value is NotificationKind =>
  (NOTIFICATION_KINDS as readonly string[]).includes(value);

/** The kinds that can reach someone: requesters' kinds for all, replies to handle for the team. */
export const kindsFor = (permissions: ReadonlySet<string>): NotificationKind[] =>
  NOTIFICATION_KINDS.filter(
    (k) => KINDS[k].audience === 'requester' || permissions.has('tickets:update:any'),
  );

/** Someone's choices; every kind they never switched is on. */
export const preferencesOf = async (db: Db, userId: string): Promise<Preferences> =>
  preferencesFrom(await preferenceRows(db, userId));

/** The choices the stored switches make. */
export function preferencesFrom(rows: readonly { kind: NotificationKind; email: boolean }[]): Preferences {
  const preferences = Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, true])) as Preferences;
  for (const row of rows) preferences[row.kind] = row.email;
  return preferences;
}

/** Switches the named kinds on or off; kinds left out keep their setting. */
export async function savePreferences(
  trx: Transaction<DB>,
  userId: string,
  changes: Partial<Preferences>,
): Promise<Preferences> {
  const values = Object.entries(changes)
    .filter(([kind, email]) => isKind(kind) && typeof email === 'boolean')
    .map(([kind, email]) => ({
      user_id: userId,
      kind: kind as NotificationKind,
      email: email as boolean,
      updated_at: new Date(),
    }));
  if (values.length > 0) await upsertPreferences(trx, values);
  return preferencesOf(trx, userId);
}
