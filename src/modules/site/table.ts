import type { ColumnType } from 'kysely';

export interface InstanceSettingsTable {
  key: string;
  value: ColumnType<unknown, string, string>;
  updated_at: ColumnType<Date, never, Date>;
}

declare module '../../platform/db/schema.js' {
  interface DB {
    instance_settings: InstanceSettingsTable;
  }
}
