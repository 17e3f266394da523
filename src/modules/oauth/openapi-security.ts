import type { Access } from '../../identity/access.js';
import { API_SCOPES, OIDC_SCOPES } from './scopes.js';

/** How callers authenticate, for the OpenAPI document's `components.securitySchemes`. */
export const securitySchemes = (publicUrl: string) => ({
  session: {
    type: 'apiKey',
    in: 'cookie',
    name: publicUrl.startsWith('https:') ? '__Host-sb_session' : 'sb_session',
    description:
      'The browser session from signing in (`/api/v1/auth/login`). Unsafe methods also need the `X-CSRF-Token` header.',
  },
  oauth2: {
    type: 'oauth2',
    description:
      'Access tokens (RFC 9068 JWTs, `Authorization: Bearer …`). Apps sign users in with the authorization code flow and PKCE (S256); integrations use client credentials. A token acts with its scopes’ permissions, never more than its user holds.',
    flows: {
      authorizationCode: {
        authorizationUrl: `${publicUrl}/oauth/auth`,
        tokenUrl: `${publicUrl}/oauth/token`,
        refreshUrl: `${publicUrl}/oauth/token`,
        scopes: {
          ...OIDC_SCOPES,
          ...Object.fromEntries(Object.entries(API_SCOPES).map(([name, s]) => [name, s.description])),
        },
      },
      clientCredentials: {
        tokenUrl: `${publicUrl}/oauth/token`,
        scopes: Object.fromEntries(Object.entries(API_SCOPES).map(([name, s]) => [name, s.description])),
      },
    },
  },
});

/** The scopes whose permissions include one of `permissions`. */
const scopesGranting = (permissions: readonly string[]) =>
  Object.entries(API_SCOPES)
    .filter(([, s]) => s.permissions.some((p: string) => permissions.includes(p)))
    .map(([name]) => name);

/** A route's OpenAPI `security`, from the access it declares. */
export function securityOf(access: Access | undefined, tokenReadable: boolean): Record<string, string[]>[] {
  if (!access || access === 'public') return [];
  if (access === 'signed-in')
    return [{ session: [] }, ...(tokenReadable ? [{ oauth2: ['account:read'] }] : [])];
  const scopes = scopesGranting([access.permission].flat());
  return [{ session: [] }, ...(scopes.length > 0 ? scopes.map((s) => ({ oauth2: [s] })) : [])];
}
