import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.js';

export interface OutgoingMail {
  to: string;
  from: string;
  subject: string;
  text: string;
  html: string;
  /** Stable per logical message, so a retried send is recognised by providers that support it. */
  idempotencyKey: string;
}

/** Delivers one mail. Runs inside the send job's transaction, which adapters that store mail use. */
export interface Mailer {
  send(mail: OutgoingMail, trx: Transaction<DB>): Promise<void>;
}
