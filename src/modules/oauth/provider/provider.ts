import { hkdfSync, type JsonWebKey } from 'node:crypto';
import type { Kysely } from 'kysely';
import Provider, { type Configuration } from 'oidc-provider';
import type { Config } from '../../../config.js';
import type { DB } from '../../../platform/db/schema.js';
import { SealedBox } from '../../../platform/secrets/sealed-box.js';
import { findUserById } from '../../users/repo.js';
import { keySettings, listKeys } from '../keys/key-store.js';
import { PostgresAdapter } from './adapter.js';

/** The audience of access tokens for Switchboard's own API (RFC 8707 resource indicator). */
export const apiAudience = (config: Pick<Config, 'PUBLIC_URL'>) => `${config.PUBLIC_URL}/api`;
export const API_SCOPES = ['api'] as const;

/** Private JWKs of every published key, the one that signs now first (oidc-provider signs with the first match). */
async function providerKeys(
  db: Kysely<DB>,
  config: Config,
  now: Date,
): Promise<{ keys: JsonWebKey[]; signature: string }> {
  const box = new SealedBox(keySettings(config).secretKey, 'signing-keys');
  const keys = (await listKeys(db, now)).filter((k) => k.state !== 'retired');
  const order = [...keys.filter((k) => k.state === 'signing'), ...keys.filter((k) => k.state !== 'signing')];
  const rows = await db
    .selectFrom('signing_keys')
    .select(['kid', 'alg', 'private_jwk_sealed'])
    .where(
      'kid',
      'in',
      order.map((k) => k.kid),
    )
    .execute();
  const byKid = new Map(rows.map((r) => [r.kid, r]));
  return {
    signature: order.map((k) => `${k.kid}:${k.state}`).join(','),
    keys: order.map((k) => {
      const row = byKid.get(k.kid)!;
      return {
        ...(JSON.parse(box.open(row.private_jwk_sealed)) as JsonWebKey),
        kid: row.kid,
        alg: row.alg,
        use: 'sig',
      };
    }),
  };
}

function configuration(db: Kysely<DB>, config: Config, jwks: JsonWebKey[]): Configuration {
  const audience = apiAudience(config);
  return {
    adapter: (name: string) => new PostgresAdapter(db, name),
    jwks: { keys: jwks as Configuration['jwks'] extends { keys: infer K } ? K : never },
    cookies: {
      keys: [
        Buffer.from(hkdfSync('sha256', config.SECRET_KEY!, 'switchboard', 'oidc-cookies', 32)).toString(
          'base64url',
        ),
      ],
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => audience,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== audience) throw new Error('unknown resource');
          return {
            scope: API_SCOPES.join(' '),
            audience,
            accessTokenFormat: 'jwt',
            accessTokenTTL: config.ACCESS_TOKEN_TTL_SECONDS,
            jwt: { sign: { alg: config.OAUTH_SIGNING_ALG } },
          };
        },
      },
    },
    // RFC 9700: PKCE for every authorization code, S256 only.
    pkce: { methods: ['S256'], required: () => true },
    scopes: ['openid', 'offline_access', 'profile', 'email', ...API_SCOPES],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'locale', 'zoneinfo'] },
    findAccount: async (_ctx, sub) => {
      const user = await findUserById(db, sub);
      if (user?.status !== 'active') return undefined;
      return {
        accountId: user.id,
        claims: async () => ({
          sub: user.id,
          email: user.email,
          email_verified: user.email_verified_at !== null,
          name: user.display_name,
          locale: user.locale,
          zoneinfo: user.time_zone,
        }),
      };
    },
    interactions: { url: (_ctx, interaction) => `/oauth/interaction/${interaction.uid}` },
    ttl: {
      AccessToken: config.ACCESS_TOKEN_TTL_SECONDS,
      ClientCredentials: config.ACCESS_TOKEN_TTL_SECONDS,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 600,
      Session: 86_400,
      Grant: 30 * 86_400,
      RefreshToken: 30 * 86_400,
    },
    rotateRefreshToken: true,
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: config.OAUTH_SIGNING_ALG,
    },
    enabledJWA: {
      authorizationSigningAlgValues: ['EdDSA', 'ES256'],
      idTokenSigningAlgValues: ['EdDSA', 'ES256'],
    },
  };
}

/**
 * The authorization server, rebuilt when the set of keys changes (a rotation publishes a key or
 * makes it sign): oidc-provider takes its keys at construction, and all its state lives in the
 * database, so a fresh instance picks up exactly where the last one was.
 */
export class OauthServer {
  private current: { provider: Provider; signature: string } | undefined;
  private checkedAt = 0;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly config: Config,
  ) {}

  async provider(now = new Date()): Promise<Provider> {
    if (this.current && now.getTime() - this.checkedAt < 30_000) return this.current.provider;
    this.checkedAt = now.getTime();
    const { keys, signature } = await providerKeys(this.db, this.config, now);
    if (this.current?.signature !== signature) {
      const provider = new Provider(
        `${this.config.PUBLIC_URL}/oauth`,
        configuration(this.db, this.config, keys),
      );
      // The mount (routes.provider.ts) sets the forwarded headers from PUBLIC_URL itself.
      provider.proxy = true;
      this.current = { provider, signature };
    }
    return this.current.provider;
  }
}
