import { AppError, type FieldError } from '../../../shared/errors.js';
import { isApiScope } from '../scopes.js';
import type { ClientGrantType, ClientType } from './table.js';

export interface ClientInput {
  name: string;
  type: ClientType;
  redirectUris: string[];
  grantTypes: ClientGrantType[];
  scopes: string[];
}

const GRANTS: readonly ClientGrantType[] = ['authorization_code', 'refresh_token', 'client_credentials'];
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Why a redirect URI is unacceptable, or nothing. RFC 9700: HTTPS (plain HTTP only on the
 * loopback interface, for native apps and development), or a private-use scheme with a dot
 * (`com.example.app:/callback`); never a fragment. Matching is exact, character for character.
 */
function redirectUriProblem(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `${uri} is not an absolute URL.`;
  }
  if (url.hash || uri.includes('#')) return `${uri} has a fragment; redirect URIs may not.`;
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:')
    return LOOPBACK.has(url.hostname) ? undefined : `${uri}: use https (http only for localhost).`;
  if (/^[a-z][a-z0-9+-]*\.[a-z0-9.+-]+:$/.test(url.protocol)) return undefined;
  return `${uri}: use https, http://localhost or an app scheme such as com.example.app:/callback.`;
}

/** Checks and normalises what an administrator entered; every problem is reported at once. */
export function validateClientInput(input: ClientInput): ClientInput {
  const errors: FieldError[] = [];
  const name = input.name.trim();
  if (name.length < 1 || name.length > 100)
    errors.push({ pointer: '/body/name', detail: 'Give the app a name of 1–100 characters.' });
  if (input.type !== 'public' && input.type !== 'confidential')
    errors.push({ pointer: '/body/type', detail: 'Choose public or confidential.' });
  const grantTypes = [...new Set(input.grantTypes)];
  const unknownGrants = grantTypes.filter((g) => !GRANTS.includes(g));
  if (grantTypes.length === 0 || unknownGrants.length > 0)
    errors.push({ pointer: '/body/grantTypes', detail: `Choose among ${GRANTS.join(', ')}.` });
  if (input.type === 'public' && grantTypes.includes('client_credentials'))
    errors.push({
      pointer: '/body/grantTypes',
      detail: 'A public client cannot keep a secret, so it cannot use client credentials.',
    });
  if (grantTypes.includes('refresh_token') && !grantTypes.includes('authorization_code'))
    errors.push({
      pointer: '/body/grantTypes',
      detail: 'Refresh tokens come with the authorization code grant.',
    });
  const redirectUris = [...new Set(input.redirectUris.map((u) => u.trim()).filter(Boolean))];
  if (grantTypes.includes('authorization_code') && redirectUris.length === 0)
    errors.push({ pointer: '/body/redirectUris', detail: 'Add at least one redirect URI for sign-in.' });
  for (const uri of redirectUris) {
    const problem = redirectUriProblem(uri);
    if (problem) errors.push({ pointer: '/body/redirectUris', detail: problem });
  }
  const scopes = [...new Set(input.scopes)];
  const unknownScopes = scopes.filter((s) => !isApiScope(s));
  if (unknownScopes.length > 0)
    errors.push({ pointer: '/body/scopes', detail: `Unknown scope ${unknownScopes.join(', ')}.` });
  if (errors.length > 0) throw new AppError('validation_failed', errors[0]!.detail, { errors });
  return { name, type: input.type, redirectUris, grantTypes, scopes };
}
