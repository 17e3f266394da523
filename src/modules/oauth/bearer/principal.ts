import type { Kysely } from 'kysely';
import { effectivePermissions, type RoleGraph } from '../../../identity/role-graph.js';
import type { TokenPrincipal } from '../../../identity/token-port.js';
import { findUserSummaryById } from '../../../identity/users/repo.js';
import type { DB } from '../../../platform/db/schema.js';
import { findClient } from '../clients/repo.js';
import { grantIsLive } from '../provider/grants.js';
import { accessTokenRevoked } from '../provider/revoked-access-tokens.js';
import { permissionsOfScopes, splitScope } from '../scopes.js';
import { type AccessTokenClaims, invalidToken } from './verifier.js';

/**
 * Turns verified claims into a principal, checking what a signature cannot: the token itself was
 * not revoked, the grant still exists (revocation, sign-out and password change take effect at
 * once), the user is still active, the client still exists. Permissions are the token's scopes intersected with what the
 * user's roles grant now (or, for an integration, with the scopes its registration allows now).
 */
export async function resolvePrincipal(
  db: Kysely<DB>,
  roles: RoleGraph,
  claims: AccessTokenClaims,
): Promise<TokenPrincipal> {
  // Both at once: two round trips in the time of one.
  const [client, revoked] = await Promise.all([
    findClient(db, claims.client_id),
    accessTokenRevoked(db, claims.jti),
  ]);
  if (!client) throw invalidToken('The app this token was issued to no longer exists.');
  if (revoked) throw invalidToken('The access token was revoked.');
  const scopes = splitScope(claims.scope);
  if (claims.sub === claims.client_id && claims.gid === undefined) {
    // Only the token's scopes that the registration still allows.
    const allowed = scopes.filter((s) => client.scopes.includes(s));
    return { clientId: client.client_id, user: null, scopes, permissions: permissionsOfScopes(allowed) };
  }
  if (!claims.gid || !(await grantIsLive(db, claims.gid, claims.sub, client.client_id)))
    throw invalidToken('The access token was revoked.');
  const user = await findUserSummaryById(db, claims.sub);
  if (user?.status !== 'active') throw invalidToken('The account this token acts for is not active.');
  const held = effectivePermissions(roles, user.roles);
  return {
    clientId: client.client_id,
    user,
    scopes,
    permissions: new Set([...permissionsOfScopes(scopes)].filter((p) => held.has(p))),
  };
}
