import type { CookieSerializeOptions } from '@fastify/cookie';

/**
 * `__Host-` binds the cookie to this exact origin over HTTPS (no Domain, Path=/, Secure). Browsers
 * refuse Secure cookies over plain http, so local development without TLS uses the bare name.
 */
export function cookieName(base: string, publicUrl: string): string {
  return publicUrl.startsWith('https:') ? `__Host-${base}` : base;
}

/** Always a definite `secure` (never `'auto'`), so a cookie serialised outside Fastify gets the same. */
export function cookieOptions(publicUrl: string): CookieSerializeOptions & { secure: boolean } {
  return { path: '/', httpOnly: true, sameSite: 'lax', secure: publicUrl.startsWith('https:') };
}
