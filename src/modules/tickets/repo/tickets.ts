import type { Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely';
import { queryText } from '../../../platform/db/query-text.js';
import type { DB } from '../../../platform/db/schema.js';
import type { TicketsTable } from '../table.js';
import '../table.js';

export type TicketRow = Omit<Selectable<TicketsTable>, 'search' | 'language'>;
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

const ticketById = queryText((db, id: string) =>
  db.selectFrom('tickets').select(TICKET_COLUMNS).where('tickets.id', '=', id),
);

export const findTicket = async (db: Db, id: string): Promise<TicketRow | undefined> =>
  (await ticketById<TicketRow>(db, id)).rows[0];

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

/** A category tickets may be filed under now (it exists and is not archived). */
export async function isLiveCategory(db: Db, categoryId: string): Promise<boolean> {
  const found = await db
    .selectFrom('ticket_categories')
    .select('id')
    .where('id', '=', categoryId)
    .where('archived_at', 'is', null)
    .executeTakeFirst();
  return found !== undefined;
}

export const insertTicket = (trx: Transaction<DB>, values: Insertable<TicketsTable>) =>
  trx.insertInto('tickets').values(values).returning(['id']).executeTakeFirstOrThrow();

export type TicketChangeSet = Updateable<TicketsTable>;

/** Writes `set` and moves the ticket to its next version (what If-Match compares against). */
export async function updateTicket(trx: Transaction<DB>, id: string, set: TicketChangeSet): Promise<void> {
  await trx
    .updateTable('tickets')
    .set((eb) => ({ ...set, updated_at: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .execute();
}

/** The ticket a page address names by its number, whoever may see it (the caller decides). */
export const findTicketByNumber = (db: Db, number: string): Promise<TicketRow | undefined> =>
  db.selectFrom('tickets').select(TICKET_COLUMNS).where('tickets.number', '=', number).executeTakeFirst();
