import type { ColumnType, Generated } from 'kysely';

export interface MfaFactorsTable {
  id: Generated<string>;
  user_id: string;
  kind: 'totp' | 'sms' | 'passkey';
  label: string;
  secret_sealed: string | null;
  phone: string | null;
  last_step: ColumnType<number | null, number | null | undefined, number | null>;
  /** Passkeys only: the WebAuthn credential id (base64url), COSE public key and signature counter. */
  credential_id: string | null;
  public_key: Buffer | null;
  sign_count: ColumnType<string | null, number | null | undefined, number | null>;
  transports: string[] | null;
  confirmed_at: Date | null;
  last_used_at: Date | null;
  created_at: Generated<Date>;
}

export interface MfaBackupCodesTable {
  user_id: string;
  code_hash: Buffer;
  /** The set's argon2id salt; null for codes made before salting (a plain SHA-256 digest). */
  salt: ColumnType<Buffer | null, Buffer | null | undefined, Buffer | null>;
  used_at: Date | null;
  created_at: Generated<Date>;
}

export interface WebauthnChallengesTable {
  id: Generated<string>;
  purpose: 'register' | 'authenticate';
  user_id: string | null;
  challenge: string;
  expires_at: Date;
}

declare module '../../../platform/db/schema.js' {
  interface DB {
    mfa_factors: MfaFactorsTable;
    mfa_backup_codes: MfaBackupCodesTable;
    webauthn_challenges: WebauthnChallengesTable;
  }
}
