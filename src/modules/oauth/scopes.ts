import type { Permission } from '../../identity/permissions.js';

/**
 * The API scopes an app may ask for, each a bundle of permissions. A token acts with the
 * permissions its scopes name AND its user holds (a token never grants more than its user has);
 * an integration's client-credentials token has exactly its scopes' permissions.
 * `account:read` lets a token read its own user's account (`GET /api/v1/me`); nothing a token
 * carries lets it change passwords, factors or sessions.
 */
export const API_SCOPES = {
  'account:read': { description: 'See your name, email and account settings', permissions: [] },
  'tickets:read': {
    description: 'Read tickets you may see',
    permissions: ['tickets:read:own', 'tickets:read:any'],
  },
  'tickets:write': {
    description: 'Open, answer and update tickets you may handle',
    permissions: ['tickets:create', 'tickets:update:own', 'tickets:update:any', 'tickets:priority'],
  },
  'users:read': { description: 'See the user directory', permissions: ['users:read'] },
  'users:manage': {
    description: 'Invite, disable and sign out users',
    permissions: ['users:invite', 'users:manage'],
  },
  'roles:manage': { description: 'Edit roles and who holds them', permissions: ['roles:manage'] },
  'audit:read': { description: 'Read the audit log', permissions: ['audit:read'] },
  'leads:read': { description: 'See and export the contact form’s leads', permissions: ['leads:read'] },
  'leads:manage': {
    description: 'Work leads: stage, owner, notes, convert them to customers, delete them',
    permissions: ['leads:manage'],
  },
} as const satisfies Record<string, { description: string; permissions: readonly Permission[] }>;

export type ApiScope = keyof typeof API_SCOPES;

/** OpenID Connect's own scopes, which say what the ID token and userinfo carry. */
export const OIDC_SCOPES = {
  openid: 'Sign you in with your Switchboard account',
  profile: 'See your name, language and time zone',
  email: 'See your email address',
  offline_access: 'Stay connected when you are not using the app (a refresh token)',
} as const;

export const isApiScope = (scope: string): scope is ApiScope => Object.hasOwn(API_SCOPES, scope);

export const ALL_SCOPES = [...Object.keys(OIDC_SCOPES), ...Object.keys(API_SCOPES)];

export const describeScope = (scope: string): string =>
  isApiScope(scope)
    ? API_SCOPES[scope].description
    : ((OIDC_SCOPES as Record<string, string>)[scope] ?? scope);

/** The permissions a set of granted scopes allows (before intersecting with the user's own). */
export function permissionsOfScopes(scopes: Iterable<string>): Set<Permission> {
  const out = new Set<Permission>();
  for (const scope of scopes)
    if (isApiScope(scope)) for (const p of API_SCOPES[scope].permissions) out.add(p);
  return out;
}

export const splitScope = (scope: string | undefined): string[] => (scope ?? '').split(' ').filter(Boolean);

/** A known scope's message key under `oauth:scopes.` (`tickets:read` → `tickets.read`); null for others. */
export const scopeMessageKey = (scope: string): string | null =>
  isApiScope(scope) || Object.hasOwn(OIDC_SCOPES, scope) ? scope.replaceAll(':', '.') : null;
