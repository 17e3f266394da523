import type { FastifyReply, FastifyRequest } from 'fastify';
import nunjucks from 'nunjucks';
import { signedInViewer } from '../identity/access-plugin.js';
import { csrfTokenFor } from '../identity/csrf.js';
import { type Navigation, navigationFor } from '../identity/navigation.js';
import { translator } from '../platform/i18n/catalog.js';
import { type DateStyle, formatDate, formatNumber, formatRelative } from '../platform/i18n/format.js';
import { LOCALE_NAMES, LOCALES, type Locale } from '../platform/i18n/locales.js';
import { withoutLang } from './language-url.js';
import { linksOf, type PageLinks } from './page-links.js';
import { localeFor, type Theme, themeFor, timeZoneFor } from './preferences.js';

/** The signed-in person as the shell shows them. */
export interface Viewer {
  id: string;
  name: string;
  email: string;
  initials: string;
  permissions: ReadonlySet<string>;
}

/** What every page template sees besides its own data (reply.locals, merged by @fastify/view). */
export interface PageContext {
  lang: Locale;
  locales: { code: Locale; name: string }[];
  t: ReturnType<typeof translator>;
  timeZone: string;
  theme: Theme;
  viewer: Viewer | null;
  nav: Navigation;
  /** The path of this page (without `?lang=`), for the language switch to come back to. */
  here: string;
  /** This page's addresses for search engines and link previews (partials/seo.njk). */
  links: () => PageLinks;
  csrf: () => string;
  /** `{{ date(ticket.createdAt) }}`: the exact date and time in the viewer's zone and language. */
  date: (value: Date | string | number, style?: DateStyle) => string;
  /** `{{ ago(ticket.updatedAt) }}`: "5 minutes ago". */
  ago: (value: Date | string | number) => string;
  /** `{{ when(ticket.updatedAt) }}`: a <time> element, relative, the exact time on hover. */
  when: (value: Date | string | number | null | undefined) => nunjucks.runtime.SafeString | string;
  number: (value: number, options?: Intl.NumberFormatOptions) => string;
  /** Whether the viewer holds any one of these permissions (`can('tickets:read-all')`). */
  can: (...permissions: string[]) => boolean;
}

declare module 'fastify' {
  interface FastifyReply {
    /** @fastify/view merges these into every template's data. */
    locals: Record<string, unknown> | null;
  }
  interface FastifyRequest {
    /** Filled once per page request by `preparePage`; null until then (and for API calls). */
    page: PageContext | null;
  }
}

const initialsOf = (name: string) =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]!.toUpperCase())
    .join('') || '?';

/** Builds the page context for this request (once) and hands it to every template it renders. */
export async function preparePage(request: FastifyRequest, reply: FastifyReply): Promise<PageContext> {
  if (request.page) return request.page;
  const seen = await signedInViewer(request).catch(() => undefined);
  const chosen = seen ? { locale: seen.user.locale, timeZone: seen.user.time_zone } : {};
  const context = pageContext({
    lang: localeFor(request, chosen),
    timeZone: timeZoneFor(request, chosen),
    theme: themeFor(request),
    viewer: seen
      ? {
          id: seen.user.id,
          name: seen.user.display_name,
          email: seen.user.email,
          initials: initialsOf(seen.user.display_name),
          permissions: seen.permissions,
        }
      : null,
    here: withoutLang(request.url),
    publicUrl: request.server.platform.config.PUBLIC_URL,
    csrf: () => csrfTokenFor(request, reply),
  });
  request.page = context;
  reply.locals = { ...(reply.locals ?? {}), ...context };
  return context;
}

/** The context of a render that has no request: English, UTC, signed out, no forms. */
export const signedOutContext = (): PageContext =>
  pageContext({
    lang: 'en',
    timeZone: 'UTC',
    theme: 'auto',
    viewer: null,
    here: '/',
    publicUrl: '',
    csrf: () => '',
  });

type Basics = Pick<PageContext, 'lang' | 'timeZone' | 'theme' | 'viewer' | 'here' | 'csrf'> & {
  /** PUBLIC_URL: the links search engines and link previews get are absolute. */
  publicUrl: string;
};

function pageContext({ lang, timeZone, theme, viewer, here, publicUrl, csrf }: Basics): PageContext {
  const permissions = viewer?.permissions ?? new Set<string>();
  const date = (value: Date | string | number, style?: DateStyle) => formatDate(value, lang, timeZone, style);
  const ago = (value: Date | string | number) => formatRelative(value, lang);
  return {
    lang,
    locales: LOCALES.map((code) => ({ code, name: LOCALE_NAMES[code] })),
    t: translator(lang),
    timeZone,
    theme,
    viewer,
    nav: navigationFor(permissions, viewer !== null),
    here,
    links: () => linksOf(publicUrl, here, lang),
    csrf,
    date,
    ago,
    when: (value) => {
      if (value === null || value === undefined) return '';
      const at = value instanceof Date ? value : new Date(value);
      if (Number.isNaN(at.getTime())) return '';
      const html = `<time datetime="${at.toISOString()}" title="${escapeHtml(date(at, 'long'))}">${escapeHtml(ago(at))}</time>`;
      return new nunjucks.runtime.SafeString(html);
    },
    number: (value, options) => formatNumber(value, lang, options),
    can: (...wanted) => wanted.some((p) => permissions.has(p)),
  };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The translate function of the page this request renders; English for a request that builds no
 * page (a JSON post in a test, a render outside a request).
 */
export const wordsOf = (request: FastifyRequest): PageContext['t'] => request.page?.t ?? translator('en');
