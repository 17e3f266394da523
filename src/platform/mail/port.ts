import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.js';

export interface OutgoingMail {
  to: string;
  from: string;
  subject: string;
  text: string;
  html: string;
  replyTo?: string;
  /** Extra headers, e.g. `List-Unsubscribe`, `In-Reply-To`, `References`, `Auto-Submitted`. */
  headers?: Record<string, string>;
  /** The Message-ID (`<id@domain>`) when the caller keeps it (a ticket's thread); else derived from the idempotency key. */
  messageId?: string;
  /** Stable per logical message, so a retried send is recognised by providers that support it. */
  idempotencyKey: string;
  /** Files sent along (a ticket reply's attachments), read from storage by the sender. */
  attachments?: readonly MailAttachment[];
}

export interface MailAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

/**
 * Delivers one mail and answers with the provider's id for it (for logs and support tickets).
 * Runs inside the send job's transaction, which the outbox adapter writes through, so a stored
 * mail and the job's completion commit together.
 */
export interface Mailer {
  send(mail: OutgoingMail, trx: Transaction<DB>): Promise<{ providerId: string }>;
}
