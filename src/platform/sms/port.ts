import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.js';

export interface OutgoingSms {
  /** E.164, e.g. +31612345678. */
  to: string;
  body: string;
  idempotencyKey: string;
}

/** Delivers one text message and answers with the provider's id; runs in the send job's transaction. */
export interface SmsSender {
  send(sms: OutgoingSms, trx: Transaction<DB>): Promise<{ providerId: string }>;
}

/** ITU-T E.164: a plus, a country code that does not start with 0, at most 15 digits in all. */
export const E164 = /^\+[1-9]\d{6,14}$/;
