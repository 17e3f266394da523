import type { ColumnType, Generated } from 'kysely';

/** The pipeline a lead moves through; won and lost end it. */
export const STAGES = ['new', 'contacted', 'qualified', 'won', 'lost'] as const;
export type Stage = (typeof STAGES)[number];
export const isStage = (value: unknown): value is Stage => STAGES.includes(value as Stage);

type Stamp = ColumnType<Date, Date | undefined, Date>;

export interface LeadsTable {
  id: Generated<string>;
  name: string;
  email: string;
  phone: string | null;
  company: string | null;
  service: string | null;
  message: string;
  locale: string;
  consent_at: Date;
  stage: ColumnType<Stage, Stage | undefined, Stage>;
  owner_id: string | null;
  customer_id: string | null;
  ticket_id: string | null;
  converted_at: Date | null;
  created_at: Stamp;
  updated_at: Stamp;
}

export interface LeadNotesTable {
  id: Generated<string>;
  lead_id: string;
  author_id: string | null;
  body: string;
  created_at: Stamp;
}

export interface LeadSettingsTable {
  id: ColumnType<boolean, boolean | undefined, never>;
  services: ColumnType<string[], string[] | undefined, string[]>;
  notify_email: string | null;
  updated_at: Stamp;
}

declare module '../../platform/db/schema.js' {
  interface DB {
    leads: LeadsTable;
    lead_notes: LeadNotesTable;
    lead_settings: LeadSettingsTable;
  }
}
