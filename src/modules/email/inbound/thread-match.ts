import type { Transaction } from 'kysely';
import type { ParsedMail } from 'mailparser';
import type { Config } from '../../../config.js';
import type { DB } from '../../../platform/db/schema.js';
import { parseMessageIds } from '../../../platform/mail/threading/message-ids.js';
import { ticketFromAddress } from '../../../platform/mail/threading/reply-address.js';
import { keyInSubject } from '../../../platform/mail/threading/subject-key.js';
import { type TicketRow, ticketByMailReference, ticketByNumber } from '../../tickets/index.js';

export interface Thread {
  ticket: TicketRow;
  /** How it was found: the signed reply address, the mail's references, or the subject's key. */
  by: 'address' | 'references' | 'subject';
}

/**
 * The ticket a mail continues, most certain first: a signed reply address among its recipients
 * (nobody can make one for a ticket without the secret key), then a Message-ID it answers that
 * belongs to a ticket, then `[SB-123]` in the subject (the caller only appends it when the sender
 * is already on that ticket). None: a new conversation.
 */
export async function findThread(
  trx: Transaction<DB>,
  config: Config,
  mail: ParsedMail,
  recipients: readonly string[],
): Promise<Thread | null> {
  for (const address of recipients) {
    const signed = ticketFromAddress(address, config.SECRET_KEY!);
    if (!signed) continue;
    const ticket = await ticketByNumber(trx, signed.ticketNumber);
    if (ticket) return { ticket, by: 'address' };
  }
  const answered = [...parseMessageIds(mail.inReplyTo), ...parseMessageIds(mail.references)];
  if (answered.length > 0) {
    const ticket = await ticketByMailReference(trx, answered);
    if (ticket) return { ticket, by: 'references' };
  }
  const key = keyInSubject(mail.subject ?? '');
  if (key) {
    const ticket = await ticketByNumber(trx, key.slice('SB-'.length));
    if (ticket) return { ticket, by: 'subject' };
  }
  return null;
}

/** Whether `address` (lower case) is the ticket's requester or one of its participants. */
export async function isOnTicket(trx: Transaction<DB>, ticket: TicketRow, address: string): Promise<boolean> {
  const row = await trx
    .selectNoFrom((eb) =>
      eb
        .or([
          eb.exists(
            eb
              .selectFrom('users')
              .select('id')
              .where('id', '=', ticket.requester_id)
              .where((users) => users(users.fn('lower', ['email']), '=', address)),
          ),
          eb.exists(
            eb
              .selectFrom('ticket_participants')
              .select('email')
              .where('ticket_id', '=', ticket.id)
              .where('email', '=', address),
          ),
        ])
        .as('on_ticket'),
    )
    .executeTakeFirstOrThrow();
  return row.on_ticket === true;
}
