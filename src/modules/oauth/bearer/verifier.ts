import { createLocalJWKSet, type JWTPayload, errors as joseErrors, jwtVerify } from 'jose';
import type { Kysely } from 'kysely';
import { LRUCache } from 'lru-cache';
import type { Config } from '../../../config.js';
import type { DB } from '../../../platform/db/schema.js';
import { AppError } from '../../../shared/errors.js';
import { publishedKeys } from '../keys/key-store.js';
import { apiAudience } from '../provider/provider.js';

/** The claims of a verified RFC 9068 access token. */
export interface AccessTokenClaims extends JWTPayload {
  sub: string;
  client_id: string;
  jti: string;
  scope?: string;
  /** The grant a user token belongs to (see extraTokenClaims in provider.ts). */
  gid?: string;
}

/** Only what our keys sign with: never `none`, never HMAC (a public key used as a MAC secret). */
const ALGORITHMS = ['EdDSA', 'ES256'];
const KEYS_FRESH_MS = 30_000;
const UNKNOWN_KID_RELOAD_MS = 5_000;

export const invalidToken = (detail: string) =>
  new AppError('unauthenticated', detail, {
    headers: { 'WWW-Authenticate': `Bearer error="invalid_token", error_description="${detail}"` },
  });

/**
 * Checks access tokens for the API: signature against the published keys (straight from the
 * database every node shares, no HTTP round trip to our own JWKS), `typ` at+jwt, issuer,
 * audience, expiry and not-before. A token whose `kid` is unknown makes the key set reload (at
 * most every few seconds), so a key published by another node is found at once.
 */
export class AccessTokenVerifier {
  private keys: { set: ReturnType<typeof createLocalJWKSet>; kids: Set<string>; at: number } | undefined;
  /**
   * Tokens whose signature checked out, with their claims, for as long as the keys themselves are
   * trusted without a reload (30 s): an app calls with the same token until it expires, and the
   * signature check was a third of a bearer request's time (bench/README.md). Expiry is checked on
   * every use, and everything else (revocation, grant, user, client) is looked up every time.
   */
  private readonly verified = new LRUCache<string, AccessTokenClaims>({ max: 10_000, ttl: KEYS_FRESH_MS });
  private readonly issuer: string;
  private readonly audience: string;

  constructor(
    private readonly db: Kysely<DB>,
    config: Pick<Config, 'PUBLIC_URL'>,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.issuer = `${config.PUBLIC_URL}/oauth`;
    this.audience = apiAudience(config);
  }

  /** Reload the keys on the next verification (after a rotation). */
  invalidate(): void {
    this.keys = undefined;
    this.verified.clear();
  }

  private async keySet(kid: string | undefined) {
    const now = this.clock().getTime();
    const stale = !this.keys || now - this.keys.at > KEYS_FRESH_MS;
    const unknown =
      kid !== undefined &&
      this.keys &&
      !this.keys.kids.has(kid) &&
      now - this.keys.at > UNKNOWN_KID_RELOAD_MS;
    if (stale || unknown) {
      const keys = await publishedKeys(this.db, this.clock());
      this.keys = { set: createLocalJWKSet({ keys }), kids: new Set(keys.map((k) => k.kid)), at: now };
    }
    return this.keys!.set;
  }

  async verify(token: string): Promise<AccessTokenClaims> {
    const kept = this.verified.get(token);
    if (kept) {
      const now = this.clock().getTime() / 1000;
      if (kept.exp! > now && (kept.nbf === undefined || kept.nbf <= now)) return kept;
      this.verified.delete(token);
    }
    try {
      const { payload } = await jwtVerify(
        token,
        async (header, input) => (await this.keySet(header.kid))(header, input),
        {
          algorithms: ALGORITHMS,
          typ: 'at+jwt',
          issuer: this.issuer,
          audience: this.audience,
          requiredClaims: ['exp', 'iat', 'jti', 'sub', 'client_id'],
          currentDate: this.clock(),
        },
      );
      const claims = Object.freeze(payload) as AccessTokenClaims;
      this.verified.set(token, claims);
      return claims;
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw invalidToken('The access token has expired.');
      if (error instanceof joseErrors.JOSEError) throw invalidToken('The access token is not valid.');
      throw error;
    }
  }
}
