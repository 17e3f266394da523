import type { Kysely } from 'kysely';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { RoleGraph } from '../../../identity/role-graph.js';
import type { DB } from '../../../platform/db/schema.js';
import { AppError } from '../../../shared/errors.js';
import { resolvePrincipal } from '../bearer/principal.js';
import type { AccessTokenClaims, AccessTokenVerifier } from '../bearer/verifier.js';
import { deleteGrantsWithTokens, liveGrants } from './grants.js';
import { markAccessTokenRevoked } from './revoked-access-tokens.js';

export interface JwtTokenDeps {
  db: Kysely<DB>;
  verifier: AccessTokenVerifier;
  roles: () => Promise<RoleGraph>;
}

const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]*$/;

/** The claims of one of our access tokens that the API would accept now, or undefined. */
async function verified(token: string, deps: JwtTokenDeps): Promise<AccessTokenClaims | undefined> {
  try {
    return await deps.verifier.verify(token);
  } catch (error) {
    if (error instanceof AppError) return undefined;
    throw error;
  }
}

/** RFC 7662: the same checks the API makes on every request (grant live, user active, not revoked). */
async function introspect(token: string, clientId: string, deps: JwtTokenDeps) {
  const claims = await verified(token, deps);
  // Section 4: an app learns nothing about a token issued to another app.
  if (!claims || claims.client_id !== clientId) return undefined;
  try {
    await resolvePrincipal(deps.db, await deps.roles(), claims);
  } catch (error) {
    if (error instanceof AppError) return undefined;
    throw error;
  }
  return {
    active: true,
    token_type: 'Bearer',
    ...(claims.scope ? { scope: claims.scope } : {}),
    client_id: claims.client_id,
    sub: claims.sub,
    iss: claims.iss,
    aud: claims.aud,
    exp: claims.exp,
    iat: claims.iat,
    jti: claims.jti,
  };
}

/** RFC 7009: the token and the grant it belongs to (its refresh token included) are revoked. */
async function revoke(ctx: KoaContextWithOIDC, token: string, clientId: string, deps: JwtTokenDeps) {
  const claims = await verified(token, deps);
  // Section 2.2: an invalid or expired token needs no revoking, and the answer is 200 all the same.
  if (!claims) return;
  if (claims.client_id !== clientId) {
    ctx.status = 400;
    ctx.body = { error: 'invalid_request', error_description: 'this token does not belong to you' };
    return;
  }
  await deps.db.transaction().execute(async (trx) => {
    await markAccessTokenRevoked(trx, claims);
    if (!claims.gid) return;
    const grant = await liveGrants(trx, claims.sub, clientId)
      .select('id')
      .where('id', '=', claims.gid)
      .executeTakeFirst();
    if (grant) await deleteGrantsWithTokens(trx, [grant.id]);
  });
}

/**
 * oidc-provider introspects and revokes only the tokens it stores, and access tokens here are
 * JWTs it never stores: it would call a live one inactive and "revoke" it without effect. This
 * middleware runs after the provider has authenticated the client and answered, and handles
 * JWT access tokens itself.
 */
export function jwtTokenEndpoints(deps: JwtTokenDeps) {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<void>) => {
    await next();
    const route = ctx.oidc?.route;
    if (route !== 'introspection' && route !== 'revocation') return;
    const clientId = ctx.oidc.client?.clientId;
    const token = ctx.oidc.params?.token;
    if (ctx.status !== 200 || !clientId || typeof token !== 'string' || !JWT_SHAPE.test(token)) return;
    if (route === 'revocation') return revoke(ctx, token, clientId, deps);
    if ((ctx.body as { active?: boolean } | undefined)?.active !== false) return;
    const answer = await introspect(token, clientId, deps);
    if (answer) ctx.body = answer;
  };
}
