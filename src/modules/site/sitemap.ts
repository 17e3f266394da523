import type { PublicPage } from '../../identity/public-pages.js';
import { LOCALES } from '../../platform/i18n/locales.js';
import { type Alternate, alternatesOf, languageUrl } from '../../web/language-url.js';

const SITEMAP_NS = 'http://www.sitemaps.org/schemas/sitemap/0.9';
const XHTML_NS = 'http://www.w3.org/1999/xhtml';

/** The five characters XML gives a meaning to; a URL may hold `&` and `'`. */
const escapeXml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!,
  );

const alternateLink = (a: Alternate) =>
  `    <xhtml:link rel="alternate" hreflang="${a.hreflang}" href="${escapeXml(a.href)}"/>`;

/**
 * sitemap.xml (sitemaps.org 0.9) for these pages: one `<url>` per page and language, at the
 * address that shows that language (`?lang=`), each naming all its languages and `x-default` as
 * Google's hreflang-in-sitemaps form asks; `lastmod` where the feature knows it.
 */
export function sitemapXml(publicUrl: string, pages: readonly PublicPage[]): string {
  const urls = pages.flatMap((page) => {
    const alternates = alternatesOf(publicUrl, page.path).map(alternateLink);
    const lastmod = page.lastModified ? [`    <lastmod>${page.lastModified.toISOString()}</lastmod>`] : [];
    return LOCALES.map((lang) =>
      [
        '  <url>',
        `    <loc>${escapeXml(languageUrl(publicUrl, page.path, lang))}</loc>`,
        ...lastmod,
        ...alternates,
        '  </url>',
      ].join('\n'),
    );
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<urlset xmlns="${SITEMAP_NS}" xmlns:xhtml="${XHTML_NS}">`,
    ...urls,
    '</urlset>',
    '',
  ].join('\n');
}
