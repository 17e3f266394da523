import type { FastifyRequest } from 'fastify';
import { isTimeZone } from '../platform/i18n/format.js';
import {
  fromAcceptLanguage,
  LANGUAGE_COOKIE,
  type Locale,
  pickLocale,
  supportedLocale,
} from '../platform/i18n/locales.js';
import { langInUrl } from './language-url.js';

/** Cookies that remember a visitor's choices without an account. Not secrets: plain names. */
export { LANGUAGE_COOKIE };
export const THEME_COOKIE = 'sb_theme';
/** Written by the page script from `Intl.DateTimeFormat().resolvedOptions().timeZone`. */
export const ZONE_COOKIE = 'sb_tz';

export const THEMES = ['auto', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

export interface Chosen {
  locale?: string | null;
  timeZone?: string | null;
}

type Cookies = Record<string, string | undefined> | undefined;

/**
 * The language: the URL's `?lang=` (a page's address in one language, as hreflang links and the
 * sitemap give it), then the profile's, then the switch's cookie, then Accept-Language.
 */
export const localeFrom = (
  cookies: Cookies,
  acceptLanguage: string | undefined,
  chosen: Chosen = {},
  url?: string,
): Locale =>
  pickLocale(langInUrl(url), chosen.locale, cookies?.[LANGUAGE_COOKIE], fromAcceptLanguage(acceptLanguage));

/** The zone times are shown in: the profile's, then the browser's, then UTC. */
export function timeZoneFrom(cookies: Cookies, chosen: Chosen = {}): string {
  if (isTimeZone(chosen.timeZone)) return chosen.timeZone;
  const browser = cookies?.[ZONE_COOKIE];
  return browser && browser.length <= 64 && isTimeZone(browser) ? browser : 'UTC';
}

export const themeFrom = (cookies: Cookies): Theme =>
  THEMES.find((t) => t === cookies?.[THEME_COOKIE]) ?? 'auto';

/** The language for this request (see localeFrom). */
export const localeFor = (request: FastifyRequest, chosen: Chosen = {}): Locale =>
  localeFrom(request.cookies, request.headers['accept-language'], chosen, request.url);

export const timeZoneFor = (request: FastifyRequest, chosen: Chosen = {}): string =>
  timeZoneFrom(request.cookies, chosen);

export const themeFor = (request: FastifyRequest): Theme => themeFrom(request.cookies);

export const isLocale = (value: string): value is Locale => supportedLocale(value) === value;
