import { LOCALES, type Locale } from '../platform/i18n/locales.js';
import { type Alternate, alternatesOf, languageUrl } from './language-url.js';

/** A page's addresses: its own in the language shown, and one per language for hreflang. */
export interface PageLinks {
  /** The path and the language shown, other query parameters dropped (a filter is not a page). */
  canonical: string;
  alternates: Alternate[];
  /** The picture a link preview shows: the app's icon (no page has a picture of its own yet). */
  image: string;
  /** OpenGraph's locale for this language, and the others' (og:locale:alternate). */
  ogLocale: string;
  ogAlternates: string[];
}

/** OpenGraph wants language_TERRITORY; the territories are where each language is mostly read. */
const OG_LOCALES: Record<Locale, string> = { en: 'en_US', nl: 'nl_NL' };

/** Built only when a page asks (the public pages' head), from what the page is already keyed by. */
export function linksOf(publicUrl: string, here: string, lang: Locale): PageLinks {
  const path = here.split('?', 1)[0] || '/';
  return {
    canonical: languageUrl(publicUrl, path, lang),
    alternates: alternatesOf(publicUrl, path),
    image: languageUrl(publicUrl, '/static/img/icon-512.png'),
    ogLocale: OG_LOCALES[lang],
    ogAlternates: LOCALES.filter((l) => l !== lang).map((l) => OG_LOCALES[l]),
  };
}
