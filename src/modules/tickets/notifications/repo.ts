import { type Insertable, type Kysely, sql, type Transaction } from 'kysely';
import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/postgres';
import type { DB } from '../../../platform/db/schema.js';
import type {
  NotificationData,
  NotificationKind,
  NotificationPreferencesTable,
  TicketNotificationsTable,
} from './table.js';
import './table.js';
import type { Channel } from '../table.js';
import '../table.js';
import '../../../identity/users/table.js';

type Db = Kysely<DB> | Transaction<DB>;

/** A pending notification as the digest reads it. */
export interface ClaimedNotification {
  id: string;
  ticket_id: string;
  actor_id: string | null;
  kind: NotificationKind;
  data: NotificationData;
  created_at: Date;
}

/** Who a ticket's notifications can reach: its requester and its assignee. */
export const ticketParties = (trx: Transaction<DB>, ticketId: string): Promise<TicketParties> =>
  trx
    .selectFrom('tickets')
    .select(['id', 'requester_id', 'assignee_id', 'channel'])
    .where('id', '=', ticketId)
    .executeTakeFirstOrThrow();

/** Whom a change on a ticket concerns, and by which channel its requester came. */
export interface TicketParties {
  id: string;
  requester_id: string;
  assignee_id: string | null;
  channel: Channel;
}

export async function insertNotifications(
  trx: Transaction<DB>,
  rows: readonly Insertable<TicketNotificationsTable>[],
): Promise<void> {
  await trx.insertInto('ticket_notifications').values(rows).execute();
}

/**
 * Everything pending for one person, taken in one statement: rows another run holds are skipped
 * (SKIP LOCKED), so two runs never mail the same row, and a run that finds nothing sends nothing.
 * The claim commits with the mail (and the run's ledger row), or not at all. The same statement
 * forgets their notifications handled before `forgetBefore` (a CTE: one round trip, not two).
 */
export function claimPending(
  trx: Transaction<DB>,
  recipientId: string,
  forgetBefore: Date,
): Promise<ClaimedNotification[]> {
  return trx
    .with('forgotten', (db) =>
      db
        .deleteFrom('ticket_notifications')
        .where('recipient_id', '=', recipientId)
        .where('sent_at', '<', forgetBefore)
        .returning('id'),
    )
    .updateTable('ticket_notifications')
    .set({ sent_at: new Date() })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('ticket_notifications')
        .select('id')
        .where('recipient_id', '=', recipientId)
        .where('sent_at', 'is', null)
        .orderBy('id')
        .forUpdate()
        .skipLocked(),
    )
    .returning(['id', 'ticket_id', 'actor_id', 'kind', 'data', 'created_at'])
    .execute()
    .then((rows) => rows.sort((a, b) => Number(a.id) - Number(b.id)));
}

/**
 * Everything a digest run needs besides the claimed rows, in one statement (JSON sub-selects):
 * where and whether it goes and in which language and zone (the recipient's address, name,
 * status, locale and zone), the kinds they switched, and what the notices name: the tickets'
 * numbers, subjects and channels, the actors' names, the status labels.
 */
export async function digestContext(
  trx: Transaction<DB>,
  recipientId: string,
  ticketIds: readonly string[],
  actorIds: readonly string[],
) {
  const row = await trx
    .selectNoFrom((eb) => [
      jsonObjectFrom(
        eb
          .selectFrom('users')
          .select(['email', 'display_name', 'status', 'locale', 'time_zone'])
          .where('id', '=', recipientId),
      ).as('recipient'),
      jsonArrayFrom(
        eb
          .selectFrom('notification_preferences')
          .select(['kind', 'email'])
          .where('user_id', '=', recipientId),
      ).as('preferences'),
      jsonArrayFrom(
        eb
          .selectFrom('tickets')
          // As text, as the driver reads a bigint everywhere else (JSON would make it a number).
          .select(['id', sql<string>`number::text`.as('number'), 'subject', 'channel'])
          .where('id', 'in', ticketIds),
      ).as('tickets'),
      jsonArrayFrom(eb.selectFrom('users').select(['id', 'display_name']).where('id', 'in', actorIds)).as(
        'actors',
      ),
      jsonArrayFrom(eb.selectFrom('ticket_statuses').select(['name', 'label'])).as('statuses'),
    ])
    .executeTakeFirstOrThrow();
  return row;
}

/** The kinds someone switched, and how. */
export const preferenceRows = (db: Db, userId: string) =>
  db.selectFrom('notification_preferences').select(['kind', 'email']).where('user_id', '=', userId).execute();

/** Saves the given switches; kinds left out keep their setting. */
export async function upsertPreferences(
  trx: Transaction<DB>,
  values: readonly Insertable<NotificationPreferencesTable>[],
): Promise<void> {
  await trx
    .insertInto('notification_preferences')
    .values(values)
    .onConflict((c) =>
      c.columns(['user_id', 'kind']).doUpdateSet((eb) => ({
        email: eb.ref('excluded.email'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
}
