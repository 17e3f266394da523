import type { AuthContext } from '../../identity/context.js';
import { AppError } from '../../shared/errors.js';
import type { TicketContext } from './notifications/notify.js';
import { assertVisible, type TicketActor } from './policy.js';
import { recordEvent } from './repo/events.js';
import { findTicket } from './repo/tickets.js';
import { deleteTimeEntryOf, insertTimeEntry } from './repo/time-entries.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

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
  const entry = await insertTimeEntry(ctx.trx, {
    ticket_id: ticketId,
    agent_id: actor.userId,
    minutes: input.minutes,
    note: input.note?.trim() ?? '',
    billable: input.billable ?? true,
    work_date: workDate,
  });
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
  if (!(await deleteTimeEntryOf(ctx.trx, actor.userId, entryId, ticketId)))
    throw new AppError('not_found', 'There is no time entry of yours with this id.');
}
