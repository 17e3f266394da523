import type { ColumnType, Generated } from 'kysely';

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const CHANNELS = ['web', 'email', 'sms', 'api'] as const;
export type Channel = (typeof CHANNELS)[number];
export type Visibility = 'public' | 'internal';
export type StatusKind = 'open' | 'waiting' | 'resolved' | 'closed';

type Stamp = ColumnType<Date, Date | undefined, Date>;

export interface TicketsTable {
  id: Generated<string>;
  number: ColumnType<string, never, never>;
  subject: string;
  requester_id: string;
  assignee_id: string | null;
  operator_id: string | null;
  category_id: string | null;
  priority: Priority;
  status: string;
  channel: Channel;
  tags: string[];
  language: ColumnType<string, string | undefined, string>;
  version: ColumnType<number, never, number>;
  created_at: ColumnType<Date, never, never>;
  updated_at: Stamp;
  resolved_at: Date | null;
  closed_at: Date | null;
  search: ColumnType<string, never, never>;
}

export interface TicketMessagesTable {
  id: Generated<string>;
  ticket_id: string;
  author_id: string | null;
  body: string;
  body_html: string;
  visibility: Visibility;
  reply_to_id: string | null;
  channel: Channel;
  delivery_status: ColumnType<string, string | undefined, string>;
  language: ColumnType<string, string | undefined, string>;
  created_at: ColumnType<Date, never, never>;
  search: ColumnType<string, never, never>;
}

export interface TicketEventsTable {
  id: ColumnType<string, never, never>;
  ticket_id: string;
  actor_id: string | null;
  kind: string;
  from_value: string | null;
  to_value: string | null;
  created_at: ColumnType<Date, never, never>;
}

export interface TicketStatusesTable {
  name: string;
  label: string;
  kind: StatusKind;
  position: number;
}

export interface TicketCategoriesTable {
  id: Generated<string>;
  name: string;
  description: ColumnType<string, string | undefined, string>;
  archived_at: Date | null;
  created_at: ColumnType<Date, never, never>;
}

export interface TimeEntriesTable {
  id: Generated<string>;
  ticket_id: string;
  agent_id: string | null;
  minutes: number;
  note: ColumnType<string, string | undefined, string>;
  billable: ColumnType<boolean, boolean | undefined, boolean>;
  work_date: ColumnType<string, string, string>;
  created_at: ColumnType<Date, never, never>;
}

/** Addresses (CC'd colleagues) that hear of a ticket's public replies and may answer by mail. */
export interface TicketParticipantsTable {
  ticket_id: string;
  email: string;
  added_by: string | null;
  created_at: ColumnType<Date, never, never>;
}

/** Message-IDs of the mail in and out of a ticket: replies are matched by In-Reply-To and References. */
export interface TicketMailIdsTable {
  message_id: string;
  ticket_id: string;
  ticket_message_id: string | null;
  direction: 'in' | 'out';
  refs: ColumnType<string[], string[] | undefined, string[]>;
  recipient: string | null;
  created_at: ColumnType<Date, never, never>;
}

declare module '../../platform/db/schema.js' {
  interface DB {
    ticket_participants: TicketParticipantsTable;
    ticket_mail_ids: TicketMailIdsTable;
    tickets: TicketsTable;
    ticket_messages: TicketMessagesTable;
    ticket_events: TicketEventsTable;
    ticket_statuses: TicketStatusesTable;
    ticket_categories: TicketCategoriesTable;
    time_entries: TimeEntriesTable;
  }
}
