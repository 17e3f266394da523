/** The languages Switchboard speaks. English is the fallback for anything a catalogue lacks. */
export const LOCALES = ['en', 'nl'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

/** The cookie the language switch writes (a visitor's choice without an account). */
export const LANGUAGE_COOKIE = 'sb_lang';

/** Each language's own name, for the language switch (a Dutch reader looks for "Nederlands"). */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', nl: 'Nederlands' };

/** `nl`, `nl-BE`, `NL_nl` → `nl`; anything we do not speak → undefined. */
export function supportedLocale(tag: string | null | undefined): Locale | undefined {
  const primary = tag?.trim().toLowerCase().split(/[-_]/)[0];
  return LOCALES.find((l) => l === primary);
}

/**
 * The best language an `Accept-Language` header asks for (RFC 9110 §12.5.4): ranges by their
 * q-value, highest first, ties in the order given; `*` and unknown languages are skipped.
 */
export function fromAcceptLanguage(header: string | undefined): Locale | undefined {
  if (!header) return undefined;
  const ranges = header
    .split(',')
    .slice(0, 32)
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { tag, q: q === undefined ? 1 : Number(q), index };
    })
    .filter((r) => r.q > 0 && Number.isFinite(r.q))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const range of ranges) {
    const locale = supportedLocale(range.tag);
    if (locale) return locale;
  }
  return undefined;
}

/** The first candidate we speak, else English. */
export function pickLocale(...candidates: (string | null | undefined)[]): Locale {
  for (const candidate of candidates) {
    const locale = supportedLocale(candidate);
    if (locale) return locale;
  }
  return DEFAULT_LOCALE;
}
