import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import type { TicketMessagesTable, TicketsTable } from './table.js';
import './table.js';

export type TicketRow = Omit<Selectable<TicketsTable>, 'search' | 'language'>;
export type MessageRow = Omit<Selectable<TicketMessagesTable>, 'search' | 'language'> & {
  author_name: string | null;
};
type Db = Kysely<DB> | Transaction<DB>;

export const TICKET_COLUMNS = [
  'tickets.id',
  'tickets.number',
  'tickets.subject',
  'tickets.requester_id',
  'tickets.assignee_id',
  'tickets.operator_id',
  'tickets.category_id',
  'tickets.priority',
  'tickets.status',
  'tickets.channel',
  'tickets.tags',
  'tickets.version',
  'tickets.created_at',
  'tickets.updated_at',
  'tickets.resolved_at',
  'tickets.closed_at',
] as const;

export const findTicket = (db: Db, id: string): Promise<TicketRow | undefined> =>
  db.selectFrom('tickets').select(TICKET_COLUMNS).where('tickets.id', '=', id).executeTakeFirst();

/** The ticket, locked for the rest of the transaction (changes to one ticket take turns). */
export const lockTicket = (trx: Transaction<DB>, id: string): Promise<TicketRow | undefined> =>
  trx
    .selectFrom('tickets')
    .select(TICKET_COLUMNS)
    .where('tickets.id', '=', id)
    .forUpdate()
    .executeTakeFirst();

export async function statusKind(db: Db, status: string) {
  const row = await db
    .selectFrom('ticket_statuses')
    .select('kind')
    .where('name', '=', status)
    .executeTakeFirst();
  return row?.kind;
}

export const listStatuses = (db: Db) =>
  db.selectFrom('ticket_statuses').selectAll().orderBy('position').execute();

/** A ticket's messages, oldest first; internal notes only when asked for. */
export function listMessages(db: Db, ticketId: string, withInternal: boolean): Promise<MessageRow[]> {
  let q = db
    .selectFrom('ticket_messages')
    .select([
      'id',
      'ticket_id',
      'author_id',
      'body',
      'body_html',
      'visibility',
      'reply_to_id',
      'channel',
      'delivery_status',
      'created_at',
      sql<string | null>`user_display_name(author_id)`.as('author_name'),
    ])
    .where('ticket_id', '=', ticketId)
    .orderBy('created_at')
    .orderBy('id');
  if (!withInternal) q = q.where('visibility', '=', 'public');
  return q.execute();
}

/** Timeline entries only the team sees: internal notes and logged time. */
export const CUSTOMER_HIDDEN_EVENTS = ['note', 'time_logged'];

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
