import type { ColumnType } from 'kysely';

export type ClientType = 'public' | 'confidential';
export type ClientGrantType = 'authorization_code' | 'refresh_token' | 'client_credentials';

export interface OauthClientsTable {
  client_id: string;
  name: string;
  type: ClientType;
  redirect_uris: string[];
  grant_types: ClientGrantType[];
  scopes: string[];
  secret_hash: string | null;
  secret_rotated_at: Date | null;
  created_by: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

declare module '../../../platform/db/schema.js' {
  interface DB {
    oauth_clients: OauthClientsTable;
  }
}
