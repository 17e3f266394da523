import type { Kysely } from 'kysely';
import type { AuthContext } from '../../identity/context.js';
import type { DB } from '../../platform/db/schema.js';
import { AppError } from '../../shared/errors.js';
import type { TicketContext } from './notifications/notify.js';
import { assertVisible, type TicketActor } from './policy.js';
import { recordEvent } from './repo/events.js';
import { findTicket } from './repo/tickets.js';

const COLUMNS = [
  'id',
  'ticket_id',
  'agent_id',
  'minutes',
  'note',
  'billable',
  'work_date',
  'created_at',
] as const;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const listTimeEntries = (db: Kysely<DB>, ticketId: string) =>
  db
    .selectFrom('time_entries')
    .select(COLUMNS)
    .where('ticket_id', '=', ticketId)
    .orderBy('work_date')
    .orderBy('created_at')
    .execute();

/** Logs work on a ticket (the team only; customers never see time entries). */
export async function logTime(
  ctx: TicketContext,
  actor: TicketActor,
  ticketId: string,
  input: { minutes: number; note?: string; billable?: boolean; workDate?: string },
) {
  assertVisible(actor, await findTicket(ctx.trx, ticketId));
  if (!Number.isInteger(input.minutes) || input.minutes < 1 || input.minutes > 1440)
    throw new AppError('validation_failed', 'Log between 1 and 1440 minutes.', {
      errors: [{ pointer: '/body/minutes', detail: 'Log between 1 and 1440 minutes.' }],
    });
  const workDate = input.workDate ?? new Date().toISOString().slice(0, 10);
  if (!DATE.test(workDate) || Number.isNaN(Date.parse(workDate)))
    throw new AppError('validation_failed', 'Give the date as YYYY-MM-DD.', {
      errors: [{ pointer: '/body/workDate', detail: 'Give the date as YYYY-MM-DD.' }],
    });
  const entry = await ctx.trx
    .insertInto('time_entries')
    .values({
      ticket_id: ticketId,
      agent_id: actor.userId,
      minutes: input.minutes,
      note: input.note?.trim() ?? '',
      billable: input.billable ?? true,
      work_date: workDate,
    })
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
  await recordEvent(ctx.trx, ticketId, actor.userId, 'time_logged', null, String(input.minutes));
  ctx.changed.add(ticketId);
  return entry;
}

/** Removes an entry; only whoever logged it (and, from a ticket's page, only that ticket's). */
export async function deleteTimeEntry(
  ctx: AuthContext,
  actor: TicketActor,
  entryId: string,
  ticketId?: string,
): Promise<void> {
  const deleted = await ctx.trx
    .deleteFrom('time_entries')
    .where('id', '=', entryId)
    .where('agent_id', '=', actor.userId)
    .$if(ticketId !== undefined, (q) => q.where('ticket_id', '=', ticketId!))
    .returning('id')
    .executeTakeFirst();
  if (!deleted) throw new AppError('not_found', 'There is no time entry of yours with this id.');
}
