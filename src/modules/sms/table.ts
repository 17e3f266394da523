import type { ColumnType, Generated } from 'kysely';

export interface SmsNumbersTable {
  id: Generated<string>;
  e164: string;
  /** The provider's id of the number (Twilio `PN…`). */
  provider_sid: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  sms: ColumnType<boolean, boolean | undefined, boolean>;
  mms: ColumnType<boolean, boolean | undefined, boolean>;
  voice: ColumnType<boolean, boolean | undefined, boolean>;
  /** numeric: pg hands it over as a string. */
  monthly_price: ColumnType<string | null, string | number | null | undefined, string | number | null>;
  price_unit: string | null;
  /** A personal number's owner; null for a team line. */
  owner_id: string | null;
  /** A team line's default category for the tickets its texts open. */
  category_id: string | null;
  label: string | null;
  /** Where the provider sends this number's texts and delivery reports, as last set or seen. */
  sms_url: string | null;
  status_url: string | null;
  webhooks_checked_at: Date | null;
  created_at: ColumnType<Date, never, never>;
  released_at: Date | null;
  /** When this line last handed Twilio a text (pacing). */
  last_sent_at: ColumnType<Date | null, never, Date | null>;
}

export type SmsDirection = 'in' | 'out';
export type SmsOutcome =
  | 'new-ticket'
  | 'reply'
  | 'refused-unknown'
  | 'refused-disabled'
  | 'opt-out'
  | 'opt-in'
  | 'help';
export type SmsKind = 'text' | 'reply' | 'consent' | 'help';
export interface SmsMedia {
  url: string;
  contentType: string;
}

export interface SmsMessagesTable {
  id: Generated<string>;
  message_sid: string | null;
  direction: SmsDirection;
  number_id: string;
  /** The customer's phone (E.164). */
  phone: string;
  body: string;
  media: ColumnType<SmsMedia[], string | undefined, string>;
  status: string;
  error_code: number | null;
  outcome: SmsOutcome | null;
  ticket_id: string | null;
  ticket_message_id: string | null;
  created_at: ColumnType<Date, never, never>;
  processed_at: Date | null;
  kind: ColumnType<SmsKind, SmsKind | undefined, SmsKind>;
  segments: number | null;
  encoding: 'GSM-7' | 'UCS-2' | null;
  /** When a send was last tried: a retry asks Twilio whether it got through. */
  attempted_at: Date | null;
  sent_at: Date | null;
  /** What Twilio charged, as a positive amount (numeric: a string from pg). */
  price: ColumnType<string | null, string | null | undefined, string | null>;
  price_unit: string | null;
  /** The user a text out was sent for. */
  sent_by: string | null;
}

/** The opt-out ledger: append-only; a phone's latest row on a line decides. */
export interface SmsOptOutsTable {
  id: Generated<string>;
  number_id: string;
  phone: string;
  opted_out: boolean;
  source: 'keyword' | 'provider' | 'admin';
  keyword: string | null;
  message_id: string | null;
  created_at: ColumnType<Date, never, never>;
}

export interface SmsWebhookCountsTable {
  outcome: string;
  n: ColumnType<string, number, number>;
  last_at: ColumnType<Date, never, Date>;
}

/** A monthly budget: one user's (their texts and own lines' fees) or, with no user, the team's. */
export interface SmsBudgetsTable {
  id: Generated<string>;
  user_id: string | null;
  /** In the account's price unit; numeric, so a string from pg. */
  amount: ColumnType<string, string, string>;
  hard_stop: boolean;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date>;
}

/** A budget alert mail queued: once per budget, month (`YYYY-MM`) and threshold. */
export interface SmsBudgetAlertsTable {
  budget_id: string;
  month: string;
  threshold: 80 | 100;
  created_at: ColumnType<Date, never, never>;
}

declare module '../../platform/db/schema.js' {
  interface DB {
    sms_numbers: SmsNumbersTable;
    sms_messages: SmsMessagesTable;
    sms_webhook_counts: SmsWebhookCountsTable;
    sms_opt_outs: SmsOptOutsTable;
    sms_budgets: SmsBudgetsTable;
    sms_budget_alerts: SmsBudgetAlertsTable;
  }
}
