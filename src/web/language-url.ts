import { LOCALES, type Locale, supportedLocale } from '../platform/i18n/locales.js';

/**
 * Each page has one address per language: the path with `?lang=en` or `?lang=nl`. The site picks a
 * visitor's language from a cookie and Accept-Language, which a search engine sends neither of, so
 * without these it would only ever see (and list) the English page. The bare path stays the
 * negotiated page (hreflang `x-default`).
 */
export const LANG_PARAM = 'lang';

/** The language a URL asks for with `?lang=`, if it is one we speak. */
export function langInUrl(url: string | undefined): Locale | undefined {
  const query = url?.split('?', 2)[1];
  if (!query) return undefined;
  return supportedLocale(new URLSearchParams(query).get(LANG_PARAM));
}

/** The URL without its `?lang=`: where the language switch comes back to, so the choice sticks. */
export function withoutLang(url: string): string {
  const [path = '/', query] = url.split('?', 2);
  if (query === undefined) return url;
  const params = new URLSearchParams(query);
  if (!params.has(LANG_PARAM)) return url;
  params.delete(LANG_PARAM);
  const rest = params.toString();
  return rest ? `${path}?${rest}` : path;
}

/** The absolute address of `path` in one language, or the negotiated one (`x-default`) without. */
export function languageUrl(publicUrl: string, path: string, lang?: Locale): string {
  const base = publicUrl.replace(/\/+$/, '');
  return `${base}${path}${lang ? `?${LANG_PARAM}=${lang}` : ''}`;
}

export interface Alternate {
  hreflang: Locale | 'x-default';
  href: string;
}

/** Every language's address of `path`, then `x-default` (RFC 5646 tags, as hreflang wants). */
export const alternatesOf = (publicUrl: string, path: string): Alternate[] => [
  ...LOCALES.map((lang) => ({ hreflang: lang, href: languageUrl(publicUrl, path, lang) })),
  { hreflang: 'x-default' as const, href: languageUrl(publicUrl, path) },
];
