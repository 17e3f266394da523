import type { ColumnType, Generated } from 'kysely';

export interface OutboxMessagesTable {
  id: Generated<string>;
  channel: 'email' | 'sms';
  recipient: string;
  subject: string | null;
  body_text: string;
  body_html: string | null;
  /** Threading and answering headers of a mail (Message-ID, Reply-To, In-Reply-To …). */
  headers: ColumnType<Record<string, string>, string | undefined, string>;
  created_at: Generated<Date>;
}

declare module '../db/schema.js' {
  interface DB {
    outbox_messages: OutboxMessagesTable;
  }
}
