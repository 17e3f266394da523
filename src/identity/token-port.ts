import type { RoleGraph } from './role-graph.js';
import type { UserSummary } from './users/repo.js';

/** Who acts through an access token, and with which permissions. */
export interface TokenPrincipal {
  clientId: string;
  /** The user the app acts for; null for an integration's own (client credentials) token. */
  user: UserSummary | null;
  scopes: string[];
  permissions: Set<string>;
}

/**
 * What the access check needs from whoever issues access tokens. The oauth feature implements it
 * and app.ts hands it to the access plugin, so the kernel never imports a feature.
 */
export interface BearerTokens {
  /**
   * Verifies `token` and says who acts through it now, with `roles` as they are now; throws
   * `unauthenticated` (a WWW-Authenticate `invalid_token` answer) when the token is no good.
   */
  principalOf(token: string, roles: RoleGraph): Promise<TokenPrincipal>;
  /** Lets go of what it follows (key changes); called when the app closes. */
  close(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    bearerTokens: BearerTokens;
  }
  interface FastifyRequest {
    /** Set when the request authenticated with `Authorization: Bearer` (API routes only). */
    tokenPrincipal: TokenPrincipal | null;
  }
}
