import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Mailer, OutgoingMail } from './port.js';
import { parseMessageIds } from './threading/message-ids.js';

/** RFC 5322 §3.6.8: a field name is printable US-ASCII except the colon. */
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]{1,76}$/;
/** Line breaks and NUL end a header line wherever they stand; other controls have no place in one. */
const BREAKS = /[\r\n\0]+/g;
const CONTROLS = /[^\t\x20-\x7e\u00a0-\uffff]/g;
/** Headers that carry Message-IDs: only well-formed ids go out in them. */
const ID_FIELDS = new Set(['message-id', 'in-reply-to', 'references']);
/** Fields the transport writes from the mail itself; given as extra headers they would add recipients. */
const OWN_FIELDS = new Set(['to', 'cc', 'bcc', 'from', 'sender', 'reply-to', 'subject', 'message-id']);

export class UnsafeRecipient extends Error {}

/**
 * A mail's header values made unable to start a header of their own, whatever the text inside
 * came from (a subject a customer wrote, a Message-ID a stranger sent): line breaks become spaces,
 * ids in Message-ID, In-Reply-To and References are kept only when well-formed (`<id@host>`),
 * extra headers with a bad name or naming an address field are dropped. A recipient, sender or
 * Reply-To that is not one line and one address is refused outright (the send fails and says
 * why), since no rewriting of it could be trusted to mean what the caller meant.
 */
export function headerSafe(mail: OutgoingMail): OutgoingMail {
  for (const [field, value] of [
    ['to', mail.to],
    ['from', mail.from],
    ['replyTo', mail.replyTo ?? ''],
  ] as const) {
    if (/[\r\n\0]/.test(value)) throw new UnsafeRecipient(`the mail's ${field} holds a line break`);
  }
  if (/[,;]/.test(mail.to)) throw new UnsafeRecipient("the mail's recipient is more than one address");
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(mail.headers ?? {})) {
    const key = name.toLowerCase();
    if (!FIELD_NAME.test(name) || OWN_FIELDS.has(key)) continue;
    const clean = ID_FIELDS.has(key) ? parseMessageIds(value).join(' ') : oneLine(value);
    if (clean !== '') headers[name] = clean;
  }
  const [messageId] = mail.messageId ? parseMessageIds(mail.messageId) : [];
  const { messageId: _given, headers: _extra, ...rest } = mail;
  return {
    ...rest,
    subject: oneLine(mail.subject),
    ...(mail.headers ? { headers } : {}),
    ...(messageId && messageId === mail.messageId ? { messageId } : {}),
  };
}

const oneLine = (value: string) => value.replace(BREAKS, ' ').replace(CONTROLS, '').trim();

/** Every transport sends through this: the same header rules whichever one is configured. */
export class HeaderSafeMailer implements Mailer {
  constructor(private readonly inner: Mailer) {}

  send(mail: OutgoingMail, trx: Transaction<DB>): Promise<{ providerId: string }> {
    return this.inner.send(headerSafe(mail), trx);
  }
}
