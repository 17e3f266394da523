import type { Generated } from 'kysely';

export interface OneTimeTokensTable {
  token_hash: Buffer;
  user_id: string;
  purpose: string;
  expires_at: Date;
  used_at: Date | null;
  created_at: Generated<Date>;
}

declare module '../../../platform/db/schema.js' {
  interface DB {
    one_time_tokens: OneTimeTokensTable;
  }
}
