import type { Generated } from 'kysely';

export interface OutboxMessagesTable {
  id: Generated<string>;
  channel: 'email' | 'sms';
  recipient: string;
  subject: string | null;
  body_text: string;
  body_html: string | null;
  created_at: Generated<Date>;
}

declare module '../db/schema.js' {
  interface DB {
    outbox_messages: OutboxMessagesTable;
  }
}
