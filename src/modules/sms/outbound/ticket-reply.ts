import type { Transaction } from 'kysely';
import type { Config } from '../../../config.js';
import type { DB } from '../../../platform/db/schema.js';
import { withSystemRightsIn } from '../../../platform/db/system-rights.js';
import type { JobEnqueuer } from '../../../platform/jobs/define.js';
import { AppError } from '../../../shared/errors.js';
import type { ChannelReply } from '../../tickets/index.js';
import { queueText } from './queue.js';

/**
 * The team's public reply on an SMS ticket, texted to the requester from the line they last wrote
 * to (registered with tickets as the `sms` channel's replies). It is queued in the reply's own
 * transaction: a phone that opted out, a line since released or a text past Twilio's length
 * refuses the reply itself, so the thread never shows an answer the customer did not get.
 */
export async function textTicketReply(
  trx: Transaction<DB>,
  deps: { config: Config; jobs: JobEnqueuer },
  reply: ChannelReply,
): Promise<void> {
  // Only the system writes texts (row-level security); tickets let this agent reply here.
  await withSystemRightsIn(trx, () => queueReply(trx, deps, reply));
}

async function queueReply(
  trx: Transaction<DB>,
  deps: { config: Config; jobs: JobEnqueuer },
  reply: ChannelReply,
) {
  const last = await trx
    .selectFrom('sms_messages')
    .innerJoin('sms_numbers', 'sms_numbers.id', 'sms_messages.number_id')
    .select(['sms_messages.number_id', 'sms_messages.phone', 'sms_numbers.released_at'])
    .where('sms_messages.ticket_id', '=', reply.ticketId)
    .where('sms_messages.direction', '=', 'in')
    .orderBy('sms_messages.created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!last || last.released_at)
    throw new AppError('conflict', 'The number this customer texted is no longer ours; nothing was sent.', {
      said: { key: 'sms:texts.errors.noLine' },
    });
  // The thread shows it on its way ("Texting…") until Twilio reports (ticket-delivery.ts).
  await trx
    .updateTable('ticket_messages')
    .set({ delivery_status: 'queued' })
    .where('id', '=', reply.messageId)
    .execute();
  await queueText(trx, deps, {
    numberId: last.number_id,
    phone: last.phone,
    body: plainText(reply.body),
    kind: 'reply',
    ticketId: reply.ticketId,
    ticketMessageId: reply.messageId,
    sentBy: reply.authorId,
  });
}

/**
 * A phone shows Markdown's marks as they are: emphasis and code marks go, a link keeps its
 * address after its text (the one way to follow it from a text).
 */
export const plainText = (markdown: string): string =>
  markdown
    .replace(/\[([^\]]+)\]\((\S+?)\)/g, '$1 ($2)')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(?<![\w*])[*_](?!\s)(.+?)(?<!\s)[*_](?![\w*])/g, '$1')
    .replace(/`([^`]+)`/g, '$1');
