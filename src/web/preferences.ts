import type { FastifyRequest } from 'fastify';
import { isTimeZone } from '../platform/i18n/format.js';
import {
  fromAcceptLanguage,
  LANGUAGE_COOKIE,
  type Locale,
  pickLocale,
  supportedLocale,
} from '../platform/i18n/locales.js';

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

/** The language for this request: the profile's, then the switch's cookie, then Accept-Language. */
export function localeFor(request: FastifyRequest, chosen: Chosen = {}): Locale {
  return pickLocale(
    chosen.locale,
    request.cookies?.[LANGUAGE_COOKIE],
    fromAcceptLanguage(request.headers['accept-language']),
  );
}

/** The zone times are shown in: the profile's, then the browser's, then UTC. */
export function timeZoneFor(request: FastifyRequest, chosen: Chosen = {}): string {
  if (isTimeZone(chosen.timeZone)) return chosen.timeZone;
  const browser = request.cookies?.[ZONE_COOKIE];
  return browser && browser.length <= 64 && isTimeZone(browser) ? browser : 'UTC';
}

export function themeFor(request: FastifyRequest): Theme {
  const value = request.cookies?.[THEME_COOKIE];
  return THEMES.find((t) => t === value) ?? 'auto';
}

export const isLocale = (value: string): value is Locale => supportedLocale(value) === value;
