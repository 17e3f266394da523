import type { ColumnType, Generated } from 'kysely';

export interface TicketAttachmentsTable {
  id: Generated<string>;
  ticket_id: string | null;
  message_id: string | null;
  uploader_id: string | null;
  uploader_client_id: string | null;
  filename: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  storage_key: string;
  created_at: ColumnType<Date, Date | undefined, never>;
}

declare module '../../../platform/db/schema.js' {
  interface DB {
    ticket_attachments: TicketAttachmentsTable;
  }
}
