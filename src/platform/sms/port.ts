import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.js';

export interface OutgoingSms {
  /** E.164, e.g. +31612345678. */
  to: string;
  body: string;
  idempotencyKey: string;
  /** The number to send from (E.164), when it is not the configured one: the line a customer wrote to. */
  from?: string;
  /** Where the provider reports the text's delivery. */
  statusCallback?: string;
}

/** Delivers one text message and answers with the provider's id; runs in the send job's transaction. */
export interface SmsSender {
  send(sms: OutgoingSms, trx: Transaction<DB>): Promise<{ providerId: string }>;
}

/** ITU-T E.164: a plus, a country code that does not start with 0, at most 15 digits in all. */
export const E164 = /^\+[1-9]\d{6,14}$/;
