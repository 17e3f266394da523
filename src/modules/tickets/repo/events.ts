import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../../platform/db/schema.js';
import '../table.js';

type Db = Kysely<DB> | Transaction<DB>;

/** Timeline entries only the team sees: internal notes, logged time, who is copied, how replies went out. */
export const CUSTOMER_HIDDEN_EVENTS = [
  'note',
  'time_logged',
  'participant_added',
  'participant_removed',
  'mail_undelivered',
  'text_delivered',
  'text_undelivered',
];

export function listEvents(db: Db, ticketId: string, withInternal: boolean) {
  let q = db
    .selectFrom('ticket_events')
    .select(['id', 'kind', 'from_value', 'to_value', 'actor_id', 'created_at'])
    .select(sql<string | null>`user_display_name(actor_id)`.as('actor_name'))
    .where('ticket_id', '=', ticketId)
    .orderBy('id');
  if (!withInternal) q = q.where('kind', 'not in', CUSTOMER_HIDDEN_EVENTS);
  return q.execute();
}

export async function recordEvent(
  trx: Transaction<DB>,
  ticketId: string,
  actorId: string | null,
  kind: string,
  from: string | null = null,
  to: string | null = null,
): Promise<void> {
  await trx
    .insertInto('ticket_events')
    .values({ ticket_id: ticketId, actor_id: actorId, kind, from_value: from, to_value: to })
    .execute();
}

/** Which timeline entries a reader gets; who may read what is the caller's decision. */
export interface EventScope {
  /** One ticket's timeline, or every ticket's. */
  ticketId?: string;
  /** Only the tickets this person asked for; every ticket when absent. */
  requesterId?: string;
  /** With the entries only the team sees (internal notes, logged time). */
  withInternal: boolean;
}

export interface EventRow {
  id: string;
  ticket_id: string;
  kind: string;
  from_value: string | null;
  to_value: string | null;
  actor_id: string | null;
  created_at: Date;
}

/** The newest timeline id, or 0 on an empty timeline. */
export async function latestEventId(db: Kysely<DB>): Promise<string> {
  const latest = await db
    .selectFrom('ticket_events')
    .select(sql<string>`coalesce(max(id), 0)`.as('id'))
    .executeTakeFirstOrThrow();
  return latest.id;
}

/** Up to `limit` timeline entries after `lastId` in `scope`, oldest first. */
export function eventsAfter(
  db: Kysely<DB>,
  scope: EventScope,
  lastId: string,
  limit: number,
): Promise<EventRow[]> {
  let q = db
    .selectFrom('ticket_events')
    .innerJoin('tickets', 'tickets.id', 'ticket_events.ticket_id')
    .select([
      'ticket_events.id',
      'ticket_events.ticket_id',
      'ticket_events.kind',
      'ticket_events.from_value',
      'ticket_events.to_value',
      'ticket_events.actor_id',
      'ticket_events.created_at',
    ])
    .where('ticket_events.id', '>', lastId)
    .orderBy('ticket_events.id')
    .limit(limit);
  if (scope.ticketId) q = q.where('ticket_events.ticket_id', '=', scope.ticketId);
  if (scope.requesterId) q = q.where('tickets.requester_id', '=', scope.requesterId);
  if (!scope.withInternal) q = q.where('ticket_events.kind', 'not in', CUSTOMER_HIDDEN_EVENTS);
  return q.execute();
}
