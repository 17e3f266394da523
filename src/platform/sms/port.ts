import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.js';

export interface OutgoingSms {
  /** E.164, e.g. +31612345678. */
  to: string;
  body: string;
  idempotencyKey: string;
}

/** Delivers one text message; runs inside the send job's transaction. */
export interface SmsSender {
  send(sms: OutgoingSms, trx: Transaction<DB>): Promise<void>;
}

export const E164 = /^\+[1-9]\d{6,14}$/;
