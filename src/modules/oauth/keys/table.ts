import type { ColumnType } from 'kysely';

export type SigningAlg = 'EdDSA' | 'ES256';

export interface SigningKeysTable {
  kid: string;
  alg: SigningAlg;
  public_jwk: ColumnType<PublicJwk, string, never>;
  private_jwk_sealed: string;
  created_at: ColumnType<Date, Date | undefined, never>;
  activates_at: Date;
  retires_at: Date | null;
}

/** A public JWK as published (RFC 7517), with our `kid`, `alg` and `use`. */
export interface PublicJwk {
  kty: string;
  crv: string;
  x: string;
  y?: string;
  kid: string;
  alg: SigningAlg;
  use: 'sig';
}

declare module '../../../platform/db/schema.js' {
  interface DB {
    signing_keys: SigningKeysTable;
  }
}
