import type { ColumnType, Generated } from 'kysely';

export const MAILBOX_TLS = ['tls', 'starttls', 'none'] as const;
export type MailboxTls = (typeof MAILBOX_TLS)[number];
export type PollResult = 'ok' | 'failed';

export interface MailMailboxesTable {
  id: Generated<string>;
  name: string;
  host: string;
  port: number;
  tls: ColumnType<MailboxTls, MailboxTls | undefined, MailboxTls>;
  username: string;
  /** The password, sealed with SealedBox under SECRET_KEY (purpose `mail-mailbox`). */
  password_sealed: string;
  folder: ColumnType<string, string | undefined, string>;
  done_folder: ColumnType<string, string | undefined, string>;
  trusted_authserv_id: string | null;
  enabled: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
  last_poll_at: Date | null;
  last_result: PollResult | null;
  last_error: string | null;
  messages_taken: ColumnType<number, never, number>;
  messages_duplicate: ColumnType<number, never, number>;
}

declare module '../../../platform/db/schema.js' {
  interface DB {
    mail_mailboxes: MailMailboxesTable;
  }
}
