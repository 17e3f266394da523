import type { Insertable, Kysely, Transaction } from 'kysely';
import type { DB } from '../../../platform/db/schema.js';
import type { TimeEntriesTable } from '../table.js';
import '../table.js';

const TIME_ENTRY_COLUMNS = [
  'id',
  'ticket_id',
  'agent_id',
  'minutes',
  'note',
  'billable',
  'work_date',
  'created_at',
] as const;

/** A ticket's time entries, in the order the work was done. */
export const listTimeEntries = (db: Kysely<DB>, ticketId: string) =>
  db
    .selectFrom('time_entries')
    .select(TIME_ENTRY_COLUMNS)
    .where('ticket_id', '=', ticketId)
    .orderBy('work_date')
    .orderBy('created_at')
    .execute();

export const insertTimeEntry = (trx: Transaction<DB>, values: Insertable<TimeEntriesTable>) =>
  trx.insertInto('time_entries').values(values).returning(TIME_ENTRY_COLUMNS).executeTakeFirstOrThrow();

/** Deletes an entry `agentId` logged (on `ticketId`, when given); false when there is none. */
export async function deleteTimeEntryOf(
  trx: Transaction<DB>,
  agentId: string | null,
  entryId: string,
  ticketId?: string,
): Promise<boolean> {
  const deleted = await trx
    .deleteFrom('time_entries')
    .where('id', '=', entryId)
    .where('agent_id', '=', agentId)
    .$if(ticketId !== undefined, (q) => q.where('ticket_id', '=', ticketId!))
    .returning('id')
    .executeTakeFirst();
  return deleted !== undefined;
}
