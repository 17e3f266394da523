import type { ColumnType, Generated } from 'kysely';
import type { MailSource } from '../table.js';

/** Settings an administrator changes on /admin/mail; secrets sealed (SealedBox). */
export interface MailSettingsTable {
  name: 'forward_secret';
  sealed: string;
  /** The value this one replaced, still taken until `previous_until` (a worker being updated). */
  previous_sealed: string | null;
  previous_until: Date | null;
  updated_by: string | null;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

/** A test mail sent to a support address, and when and how it came back. */
export interface MailChecksTable {
  id: Generated<string>;
  address: string;
  sent_by: string | null;
  sent_at: ColumnType<Date, never, never>;
  received_at: Date | null;
  source: MailSource | null;
}

/** Mail never stored as a `mail_inbound` row (refused, duplicate), counted by outcome. */
export interface MailInCountsTable {
  outcome: string;
  n: ColumnType<string, string | number, string | number>;
}

declare module '../../../platform/db/schema.js' {
  interface DB {
    mail_settings: MailSettingsTable;
    mail_checks: MailChecksTable;
    mail_in_counts: MailInCountsTable;
  }
}
