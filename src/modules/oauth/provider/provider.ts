import { hkdfSync, type JsonWebKey } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Configuration, KoaContextWithOIDC, default as Provider } from 'oidc-provider';
import type { Config } from '../../../config.js';
import { findUserById } from '../../../identity/users/repo.js';
import type { DB } from '../../../platform/db/schema.js';
import { translator } from '../../../platform/i18n/catalog.js';
import { fromAcceptLanguage, LANGUAGE_COOKIE, pickLocale } from '../../../platform/i18n/locales.js';
import { SealedBox } from '../../../platform/secrets/sealed-box.js';
import { clientSecretMatches } from '../clients/secret.js';
import { keySettings, listKeys } from '../keys/key-store.js';
import { ALL_SCOPES, API_SCOPES, isApiScope, splitScope } from '../scopes.js';
import { PostgresAdapter } from './adapter.js';
import { ClientAdapter } from './client-adapter.js';
import { firstPartySignOut } from './first-party-sign-out.js';
import { findLatestGrantId } from './grants.js';
import { type JwtTokenDeps, jwtTokenEndpoints } from './jwt-token-endpoints.js';

/** The audience of access tokens for Switchboard's own API (RFC 8707 resource indicator). */
export const apiAudience = (config: Pick<Config, 'PUBLIC_URL'>) => `${config.PUBLIC_URL}/api`;

/**
 * Who is fully signed in to Switchboard in the browser making this request (set by the mount,
 * routes.provider.api.ts). The provider's own session must belong to the same person: after a sign-out,
 * or when someone else signs in on the same browser, the app's request goes back to the sign-in page.
 */
export const FIRST_PARTY_USER = Symbol('switchboard.firstPartyUser');
type RawRequest = KoaContextWithOIDC['req'] & { [FIRST_PARTY_USER]?: string };

/**
 * oidc-provider (and Koa under it) is loaded when the first OAuth request comes in, not at start:
 * ~320 ms and ~45 MB of a process that may never serve one (bench/README.md).
 */
const oidcProvider = () => import('oidc-provider');
type InteractionPolicy = Awaited<ReturnType<typeof oidcProvider>>['interactionPolicy'];

function interactions(interactionPolicy: InteractionPolicy): Configuration['interactions'] {
  const policy = interactionPolicy.base();
  policy.get('login')!.checks.add(
    new interactionPolicy.Check(
      'first_party_session',
      'The Switchboard sign-in of this browser is not the one this app last saw',
      (ctx) => {
        const signedIn = (ctx.req as RawRequest)[FIRST_PARTY_USER];
        return signedIn === undefined || signedIn !== ctx.oidc.session?.accountId
          ? interactionPolicy.Check.REQUEST_PROMPT
          : interactionPolicy.Check.NO_NEED_TO_PROMPT;
      },
    ),
  );
  return { policy, url: (_ctx, interaction) => `/oauth/interaction/${interaction.uid}` };
}

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

/**
 * The provider's own pages have no Fastify request: their language comes from the switch's cookie,
 * then Accept-Language (the profile is not read here). Page data overrides the English default.
 */
function wordsFor(ctx: KoaContextWithOIDC) {
  // Unsigned: the language switch's cookie is a plain preference, not one of the provider's own.
  const cookie = ctx.cookies.get(LANGUAGE_COOKIE, { signed: false });
  const lang = pickLocale(cookie, fromAcceptLanguage(ctx.get('accept-language')));
  return { lang, t: translator(lang) };
}

/** Renders one of the site's pages to HTML (the provider's error page uses the app's layout). */
export type RenderHtml = (template: string, data: Record<string, unknown>) => Promise<string>;

function configuration(
  db: Kysely<DB>,
  config: Config,
  jwks: JsonWebKey[],
  renderHtml: RenderHtml,
  interactionPolicy: InteractionPolicy,
): Configuration {
  const audience = apiAudience(config);
  return {
    adapter: (name: string) => (name === 'Client' ? new ClientAdapter(db) : new PostgresAdapter(db, name)),
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
      // RFC 7662 section 4: an app may introspect only the tokens issued to it (there is no
      // separate resource server here to introspect for), so it learns nothing of other apps' users.
      introspection: {
        enabled: true,
        allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId,
      },
      revocation: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        // Signing out here ends the Switchboard sign-in too (routes.provider.api.ts), so "No" is a link.
        logoutSource: async (ctx, form) => {
          ctx.type = 'html';
          const app = ctx.oidc.client?.clientName ?? ctx.oidc.client?.clientId;
          ctx.body = await renderHtml('pages/oauth/logout.njk', {
            ...wordsFor(ctx),
            app,
            form,
            messages: [],
          });
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.type = 'html';
          const words = wordsFor(ctx);
          ctx.body = await renderHtml('pages/auth/notice.njk', {
            ...words,
            heading: words.t('oauth:logout.doneTitle'),
            text: words.t('oauth:logout.doneText'),
            actionHref: '/login',
            actionLabel: words.t('oauth:logout.again'),
            messages: [],
          });
        },
      },
      resourceIndicators: {
        enabled: true,
        // API scopes are for Switchboard's API; a sign-in asking only for OpenID scopes gets a
        // token for the userinfo endpoint instead.
        defaultResource: (ctx, _client, oneOf) => {
          if (oneOf) return oneOf;
          const params = ctx.oidc.params ?? {};
          const forApi =
            params.grant_type === 'client_credentials' ||
            splitScope(params.scope as string | undefined).some(isApiScope);
          // The typings miss that undefined means "no resource" (the library's own default returns it).
          return (forApi ? audience : undefined) as string;
        },
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== audience) throw new Error('unknown resource');
          return {
            scope: Object.keys(API_SCOPES).join(' '),
            audience,
            accessTokenFormat: 'jwt',
            accessTokenTTL: config.ACCESS_TOKEN_TTL_SECONDS,
            jwt: { sign: { alg: config.OAUTH_SIGNING_ALG } },
          };
        },
      },
    },
    // RFC 9700: PKCE for every authorization code, S256 only; and the code flow alone (section
    // 2.1.2: no implicit or hybrid response types, which put tokens in the front channel).
    pkce: { methods: ['S256'], required: () => true },
    responseTypes: ['code'],
    scopes: ALL_SCOPES,
    // Confidential clients authenticate with a secret in the Authorization header (or the body);
    // public clients (browser and native apps) with nothing but PKCE.
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    // The grant id travels in user tokens so the API can refuse a revoked grant at once.
    extraTokenClaims: (_ctx, token) =>
      'grantId' in token && token.grantId ? { gid: token.grantId } : undefined,
    // Consent once given is remembered across the provider's sessions, until the user revokes it.
    loadExistingGrant: async (ctx) => {
      const grantId =
        ctx.oidc.result?.consent?.grantId ??
        ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId) ??
        (await findLatestGrantId(db, ctx.oidc.session!.accountId!, ctx.oidc.client!.clientId));
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'locale', 'zoneinfo'] },
    // Apps registered for refresh tokens get them (the administrator chose so when registering).
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      const words = wordsFor(ctx);
      ctx.body = await renderHtml('pages/auth/notice.njk', {
        ...words,
        heading: words.t('oauth:failed.title'),
        text: words.t('oauth:failed.text', { reason: out.error_description ?? out.error }),
        messages: [],
      });
    },
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
    interactions: interactions(interactionPolicy),
    ttl: {
      AccessToken: config.ACCESS_TOKEN_TTL_SECONDS,
      ClientCredentials: config.ACCESS_TOKEN_TTL_SECONDS,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 600,
      Session: 86_400,
      Grant: config.REFRESH_TOKEN_ABSOLUTE_DAYS * 86_400,
      // Idle lifetime, capped by what is left of the absolute one (counted from the first token).
      RefreshToken: (_ctx, token) => {
        const absoluteLeft =
          (token.iiat ?? token.iat ?? 0) +
          config.REFRESH_TOKEN_ABSOLUTE_DAYS * 86_400 -
          Math.floor(Date.now() / 1000);
        return Math.max(1, Math.min(config.REFRESH_TOKEN_IDLE_DAYS * 86_400, absoluteLeft));
      },
    },
    // Every refresh rotates; presenting a used refresh token revokes the whole grant.
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
    private readonly renderHtml: RenderHtml,
    private readonly jwtTokens: JwtTokenDeps,
  ) {}

  /** Look at the keys again on the next request (after a rotation). */
  invalidate(): void {
    this.checkedAt = 0;
  }

  async provider(now = new Date()): Promise<Provider> {
    if (this.current && now.getTime() - this.checkedAt < 30_000) return this.current.provider;
    this.checkedAt = now.getTime();
    const { keys, signature } = await providerKeys(this.db, this.config, now);
    if (this.current?.signature !== signature) {
      const { default: Provider, interactionPolicy } = await oidcProvider();
      const provider = new Provider(
        `${this.config.PUBLIC_URL}/oauth`,
        configuration(this.db, this.config, keys, this.renderHtml, interactionPolicy),
      );
      // The mount (routes.provider.api.ts) sets the forwarded headers from PUBLIC_URL itself.
      provider.proxy = true;
      provider.use(jwtTokenEndpoints(this.jwtTokens));
      provider.use(firstPartySignOut());
      // Only a hash of each client secret is stored (clients/secret.ts), so the provider compares
      // the hash of what the client presented. Replaces the model's plain comparison.
      provider.Client.prototype.compareClientSecret = function compareHashed(
        this: { clientSecret?: string },
        actual: string,
      ) {
        return this.clientSecret !== undefined && clientSecretMatches(actual, this.clientSecret);
      };
      this.current = { provider, signature };
    }
    return this.current.provider;
  }
}
