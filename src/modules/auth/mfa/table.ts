import type { ColumnType, Generated } from 'kysely';

export interface MfaFactorsTable {
  id: Generated<string>;
  user_id: string;
  kind: 'totp' | 'sms';
  label: string;
  secret_sealed: string | null;
  phone: string | null;
  last_step: ColumnType<number | null, number | null | undefined, number | null>;
  confirmed_at: Date | null;
  last_used_at: Date | null;
  created_at: Generated<Date>;
}

export interface MfaBackupCodesTable {
  user_id: string;
  code_hash: Buffer;
  used_at: Date | null;
  created_at: Generated<Date>;
}

declare module '../../../platform/db/schema.js' {
  interface DB {
    mfa_factors: MfaFactorsTable;
    mfa_backup_codes: MfaBackupCodesTable;
  }
}
