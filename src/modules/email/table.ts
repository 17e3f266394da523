import type { ColumnType, Generated } from 'kysely';

export const MAIL_SOURCES = ['smtp', 'imap', 'forward', 'test'] as const;
export type MailSource = (typeof MAIL_SOURCES)[number];
export type InboundState = 'pending' | 'done' | 'quarantined' | 'discarded';
/** What became of a mail taken in (the `mail_in_total` metric's `outcome` label). */
export type InboundOutcome =
  | 'new-ticket'
  | 'reply'
  | 'quarantined'
  | 'rejected'
  | 'duplicate'
  | 'bounce'
  | 'auto-reply-dropped'
  | 'discarded'
  | 'check';

export interface MailInboundTable {
  id: Generated<string>;
  message_id: string | null;
  source: MailSource;
  envelope_from: string | null;
  envelope_to: ColumnType<string[], string[] | undefined, string[]>;
  remote_ip: string | null;
  authentication: ColumnType<unknown, string | null | undefined, string | null>;
  raw: Buffer;
  size: number;
  received_at: ColumnType<Date, never, never>;
  state: ColumnType<InboundState, InboundState | undefined, InboundState>;
  outcome: InboundOutcome | null;
  reason: string | null;
  sender: string | null;
  subject: string | null;
  ticket_id: string | null;
  ticket_message_id: string | null;
  processed_at: Date | null;
}

export interface MailAddressesTable {
  address: string;
  category_id: string | null;
  created_at: ColumnType<Date, never, never>;
}

export interface MailForwardSignaturesTable {
  signature: string;
  seen_at: ColumnType<Date, never, never>;
}

declare module '../../platform/db/schema.js' {
  interface DB {
    mail_forward_signatures: MailForwardSignaturesTable;
    mail_inbound: MailInboundTable;
    mail_addresses: MailAddressesTable;
  }
}
