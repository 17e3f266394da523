import type { Transaction } from 'kysely';
import type { Config } from '../../config.js';
import type { DB } from '../../platform/db/schema.js';
import type { JobEnqueuer } from '../../platform/jobs/define.js';
import type { TicketContext } from './context.js';
import { notificationJobs } from './notifications/digest.js';
import type { TicketActor } from './policy.js';
import { findTicketByNumber, lockTicket, type TicketRow } from './repo/tickets.js';
import { appendMessage, openTicket } from './service.js';
import type { Channel } from './table.js';

export type { TicketRow } from './repo/tickets.js';

/**
 * Tickets for channels that proved who the sender is themselves (the email channel: a signed
 * reply address, the sender on the ticket, SPF/DKIM/DMARC), running as the system in a job. The
 * sender writes as themselves: a customer's actor, so notifications and reopening work as for a
 * reply from the portal.
 */
export interface ChannelContext {
  trx: Transaction<DB>;
  config: Config;
  jobs: JobEnqueuer;
}

const asSender = (userId: string): TicketActor => ({ userId, permissions: new Set(['tickets:create']) });

function ticketContext(channel: ChannelContext, changed: Set<string>): TicketContext {
  return {
    trx: channel.trx,
    meta: { ip: '', userAgent: null },
    failures: [],
    notifications: notificationJobs({ config: channel.config, jobs: channel.jobs }),
    changed,
  };
}

/** Opens a ticket for `requesterId` with the sender's first message. */
export async function openFromChannel(
  channel: ChannelContext,
  input: { requesterId: string; subject: string; body: string; channel: Channel; categoryId: string | null },
): Promise<{ ticket: TicketRow; messageId: string }> {
  const ctx = ticketContext(channel, new Set());
  const ticket = await openTicket(ctx, asSender(input.requesterId), {
    subject: input.subject,
    body: input.body,
    categoryId: input.categoryId,
    priority: 'normal',
    channel: input.channel,
    language: channel.config.SEARCH_LANGUAGE,
  });
  const first = await channel.trx
    .selectFrom('ticket_messages')
    .select('id')
    .where('ticket_id', '=', ticket.id)
    .orderBy('created_at')
    .executeTakeFirstOrThrow();
  return { ticket, messageId: first.id };
}

/** Adds the sender's public reply to a ticket (locked for the rest of the transaction). */
export async function appendFromChannel(
  channel: ChannelContext,
  ticketId: string,
  input: { authorId: string; body: string; channel: Channel },
): Promise<{ messageId: string; reopened: boolean }> {
  const ctx = ticketContext(channel, new Set());
  const ticket = await lockTicket(channel.trx, ticketId);
  if (!ticket) throw new Error(`ticket ${ticketId} is gone`);
  const body = input.body.trim();
  const added = await appendMessage(ctx, asSender(input.authorId), ticket, {
    body,
    visibility: 'public',
    channel: input.channel,
  });
  return { messageId: added.id, reopened: added.reopened };
}

/** The ticket `SB-<number>` names, whoever may see it (the caller decides). */
export const ticketByNumber = (trx: Transaction<DB>, number: string) => findTicketByNumber(trx, number);
