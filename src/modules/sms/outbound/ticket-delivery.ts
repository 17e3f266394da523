import type { Platform } from '../../../platform/runtime.js';
import { announceTicketChange, reportDelivered, reportUndelivered } from '../../tickets/index.js';
import { maskedPhone } from '../inbound/sender.js';

/** Twilio's states, as the thread shows a team reply that went out as a text. */
const SHOWN: Record<string, 'sent' | 'delivered' | 'failed'> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'delivered',
  undelivered: 'failed',
  failed: 'failed',
  canceled: 'failed',
};

/**
 * After a status callback moved the text `sid`: when it carries a team reply, the ticket's thread
 * shows where it got to (Texted, Delivered, or Not delivered, which also tells the assignee, as a
 * bounced mail does), and open pages of that ticket update at once.
 */
export async function showDeliveryOnTicket(platform: Platform, sid: string): Promise<void> {
  const { system } = platform.database;
  const text = await system
    .selectFrom('sms_messages')
    .select(['ticket_id', 'ticket_message_id', 'status', 'phone'])
    .where('message_sid', '=', sid)
    .executeTakeFirst();
  const state = text ? SHOWN[text.status] : undefined;
  if (!text?.ticket_id || !text.ticket_message_id || !state) return;
  const sent = { ticketId: text.ticket_id, ticketMessageId: text.ticket_message_id };
  const changed = await system.transaction().execute(async (trx) => {
    if (state !== 'failed') return reportDelivered(trx, { ...sent, state });
    const channel = { trx, config: platform.config, jobs: platform.jobs, storage: platform.storage };
    await reportUndelivered(channel, { ...sent, recipient: maskedPhone(text.phone), via: 'text' });
    return true;
  });
  if (changed) await announceTicketChange(platform.pubsub, text.ticket_id);
}
