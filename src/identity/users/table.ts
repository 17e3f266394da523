import type { ColumnType, Generated } from 'kysely';

export type UserStatus = 'active' | 'disabled' | 'pending_verification';

export interface UsersTable {
  id: Generated<string>;
  email: string;
  display_name: string;
  company: string | null;
  phone: string | null;
  phone_verified_at: Date | null;
  locale: string | null;
  time_zone: string | null;
  status: ColumnType<UserStatus, UserStatus | undefined, UserStatus>;
  roles: ColumnType<string[], string[] | undefined, string[]>;
  email_verified_at: Date | null;
  password_hash: string | null;
  password_changed_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

declare module '../../platform/db/schema.js' {
  interface DB {
    users: UsersTable;
  }
}
