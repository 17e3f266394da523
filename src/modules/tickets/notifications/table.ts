import type { ColumnType, Generated } from 'kysely';

export const NOTIFICATION_KINDS = [
  'ticket_created',
  'agent_reply',
  'status_changed',
  'customer_reply',
  'ticket_assigned',
  'reply_undelivered',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** What a notification says beyond its ticket; plain text only (templates escape it). */
export interface NotificationData {
  /** The reply's text (public replies only) or the opening message. */
  body?: string;
  /** Status names before and after a change. */
  from?: string;
  to?: string;
  /** A customer's reply set a resolved or waiting ticket back to open. */
  reopened?: boolean;
  /** The address a reply mailed from the ticket could not be delivered to. */
  recipient?: string;
}

export interface TicketNotificationsTable {
  id: ColumnType<string, never, never>;
  recipient_id: string;
  ticket_id: string;
  actor_id: string | null;
  kind: NotificationKind;
  data: ColumnType<NotificationData, string, string>;
  created_at: ColumnType<Date, never, never>;
  sent_at: Date | null;
}

export interface NotificationPreferencesTable {
  user_id: string;
  kind: NotificationKind;
  email: boolean;
  updated_at: Generated<Date>;
}

declare module '../../../platform/db/schema.js' {
  interface DB {
    ticket_notifications: TicketNotificationsTable;
    notification_preferences: NotificationPreferencesTable;
  }
}
