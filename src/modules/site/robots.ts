/**
 * What crawlers are asked to leave alone: everything behind sign-in (the inbox, the portal, the
 * admin panel, the account), the API, the sign-in family, and every page reached by a link that
 * carries a token (`/auth/…`, `/help/confirm`) or that only follows a form (`/help/sent`). Those
 * pages also say `noindex` themselves (partials/seo.njk), for crawlers that fetch them anyway; a
 * Disallow line is only a request, never a lock (RFC 9309 §2.2.2 does not make it one).
 * Prefixes, as RFC 9309 matches them: `/help/` keeps the help form itself (`/help`) allowed.
 */
export const DISALLOWED = [
  '/admin',
  '/api/',
  '/inbox',
  '/tickets',
  '/account',
  '/login',
  '/logout',
  '/signup',
  '/mfa',
  '/reset',
  '/auth/',
  '/oauth/',
  '/help/',
  '/contact/',
  '/preferences',
  '/offline',
  '/health',
  '/metrics',
] as const;

/** Whether a crawler that honours these lines may fetch `path` (RFC 9309 §2.2.2, longest match). */
export const isDisallowed = (path: string): boolean => DISALLOWED.some((prefix) => path.startsWith(prefix));

/** robots.txt (RFC 9309) for this site: the public pages, then where the sitemap is. */
export function robotsTxt(sitemapUrl: string): string {
  return [
    'User-agent: *',
    'Allow: /',
    ...DISALLOWED.map((prefix) => `Disallow: ${prefix}`),
    '',
    `Sitemap: ${sitemapUrl}`,
    '',
  ].join('\n');
}
