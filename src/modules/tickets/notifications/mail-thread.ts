import type { Transaction } from 'kysely';
import type { Config } from '../../../config.js';
import type { DB } from '../../../platform/db/schema.js';
import { bareAddress, primaryAddress } from '../../../platform/mail/threading/addresses.js';
import { domainOf, newMessageId, referencesFor } from '../../../platform/mail/threading/message-ids.js';
import { replyAddressFor } from '../../../platform/mail/threading/reply-address.js';
import '../table.js';

export interface MailThread {
  messageId: string;
  replyTo: string;
  headers: Record<string, string>;
}

/**
 * How a mail about one ticket threads: a Message-ID kept with the ticket (a reply to it is matched
 * by In-Reply-To, a bounce of it names the message it carried), In-Reply-To and References to the
 * ticket's latest mail, and a Reply-To address signed for this ticket (support+SB-10423.tag@…).
 * Automatic mail is marked per RFC 3834 so no out-of-office or other help desk answers it (no
 * loops): a receipt answering someone's mail `auto-replied`, other notices `auto-generated`, both
 * with Exchange's `X-Auto-Response-Suppress`. A reply an agent wrote is a person's mail and is not
 * marked, but still asks Exchange not to answer it with an out-of-office.
 */
export type AutoSubmitted = 'auto-generated' | 'auto-replied' | 'no';

export async function mailThreadFor(
  trx: Transaction<DB>,
  config: Config,
  ticket: { id: string; number: string | number },
  recipient: string,
  sent: { autoSubmitted: AutoSubmitted; ticketMessageId?: string } = { autoSubmitted: 'auto-generated' },
): Promise<MailThread> {
  const domain = domainOf(bareAddress(config.MAIL_FROM)) ?? 'localhost';
  const messageId = newMessageId(domain);
  const previous = await trx
    .selectFrom('ticket_mail_ids')
    .select(['message_id', 'refs'])
    .where('ticket_id', '=', ticket.id)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  const references = previous
    ? referencesFor({ messageId: previous.message_id, references: previous.refs })
    : [];
  await trx
    .insertInto('ticket_mail_ids')
    .values({
      message_id: messageId,
      ticket_id: ticket.id,
      ticket_message_id: sent.ticketMessageId ?? null,
      direction: 'out',
      refs: references,
      recipient,
    })
    .execute();
  return {
    messageId,
    replyTo: replyAddressFor(primaryAddress(config), String(ticket.number), config.SECRET_KEY!),
    headers: {
      ...(sent.autoSubmitted !== 'no' ? { 'Auto-Submitted': sent.autoSubmitted } : {}),
      'X-Auto-Response-Suppress': sent.autoSubmitted !== 'no' ? 'All' : 'OOF, AutoReply',
      ...(previous ? { 'In-Reply-To': previous.message_id, References: references.join(' ') } : {}),
    },
  };
}
