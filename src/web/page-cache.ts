import { createHash, randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { fastifyCookie } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { csrfTokenFor } from '../identity/csrf.js';
import { localeFrom, themeFrom, timeZoneFrom } from './preferences.js';

/**
 * Rendered pages for visitors who are not signed in, kept per template, language, theme, time
 * zone and URL, so the home page and the other public pages render once instead of once a
 * request. The one thing in them that differs per visitor, the form token, is left out when the
 * page is rendered (a marker nobody can write, chosen at boot) and put in when it is sent, so a
 * kept page never carries anyone's token and every form still checks it.
 *
 * Bounded twice: at most `MAX_PAGES` pages (a crawler asking for `/?a=1`, `/?a=2` … only pushes
 * older ones out) and at most `KEEP_MS` old, so what a page shows that is not in its key (the
 * year in the footer) is never stale for long. `purge()` drops them all at once (content edits).
 */
const MAX_PAGES = 256;
const KEEP_MS = 10 * 60_000;
/** A longer URL is rendered every time: nobody links to it, and it should not push real pages out. */
const MAX_URL = 256;

export interface KeptPage {
  /** The page split at each form token, in ASCII (asciiHtml). */
  parts: string[];
  /** A hash of the page as rendered, for its ETag. */
  tag: string;
  /** The route that rendered it (`/`), for the request metrics. */
  route: string | undefined;
}

const shortHash = (text: string) => createHash('sha256').update(text).digest('base64url').slice(0, 16);

/** The page with `token` in each place the form token goes. */
export const bodyOf = (kept: KeptPage, token: string): string => kept.parts.join(token);

/**
 * The page with every character beyond ASCII written as a character reference (`©` as `&#169;`),
 * which reads the same in text and attributes (the CSP allows no inline script or style, where it
 * would not). Node writes an ASCII string with its headers in one go; one non-ASCII character (the
 * footer's ©) made every send encode the page and write it apart from the headers, a third of a
 * bare server's throughput for this page (bench/README.md).
 */
export const asciiHtml = (html: string): string =>
  html.replace(/[^\0-\x7f]/gu, (c) => `&#${c.codePointAt(0)};`);

/** The token is part of the page, so it is part of its tag: another visitor's copy never matches. */
export const etagOf = (kept: KeptPage, token: string): string =>
  `"${kept.tag}${token ? `.${shortHash(token)}` : ''}"`;

export class PageCache {
  private readonly pages = new LRUCache<string, KeptPage>({ max: MAX_PAGES, ttl: KEEP_MS });
  /** Counts purges, so a render that started before one is not kept after it. */
  private generation = 0;
  private readonly mark = `sbtoken${randomBytes(12).toString('hex')}`;
  /** Kept pages sent before the session lookup (answerEarly): tests read it, and so could metrics. */
  earlyAnswers = 0;
  /** Kept pages sent by the HTTP server before Fastify (kept-pages-front.ts). */
  frontAnswers = 0;

  purge(): void {
    this.generation++;
    this.pages.clear();
  }

  get size(): number {
    return this.pages.size;
  }

  /**
   * The kept page for a request that may have one: a browser's GET (not an htmx fragment) without
   * credentials or a session cookie, for a kept URL in its language, theme and zone. Both early
   * paths ask this (answerEarly here, kept-pages-front.ts before Fastify); `cookies` are the
   * request's, parsed.
   */
  keptFor(
    request: { method?: string; url?: string; headers: IncomingHttpHeaders },
    cookies: Record<string, string | undefined>,
    sessionCookie: string,
  ): KeptPage | undefined {
    const { headers } = request;
    const url = request.url ?? '/';
    if (request.method !== 'GET' || headers.authorization || headers['hx-request']) return undefined;
    if (!(headers.accept ?? '').includes('text/html') || url.length > MAX_URL) return undefined;
    if (cookies[sessionCookie] !== undefined) return undefined;
    return this.pages.get(
      keyOf(
        localeFrom(cookies, headers['accept-language'], {}, url),
        themeFrom(cookies),
        timeZoneFrom(cookies),
        url,
      ),
    );
  }

  /**
   * Sends `template` rendered with `data` (which must not depend on anything but the key: the
   * URL, the language, the theme, the zone) to a visitor who is not signed in, from the kept copy
   * when there is one; anyone else gets it rendered as usual. Answers `304` to a browser whose
   * copy is current.
   */
  async send(
    request: FastifyRequest,
    reply: FastifyReply,
    template: string,
    data: Record<string, unknown> = {},
  ): Promise<FastifyReply | string> {
    const page = request.page;
    if (!page || page.viewer || request.session || request.method !== 'GET' || request.url.length > MAX_URL)
      return reply.viewAsync(template, data);
    const key = keyOf(page.lang, page.theme, page.timeZone, request.url);
    let kept = this.pages.get(key);
    if (!kept) {
      const generation = this.generation;
      const html = await request.server.view(template, { ...reply.locals, ...data, csrf: () => this.mark });
      const parts = asciiHtml(html).split(this.mark);
      kept = { parts, tag: shortHash(html), route: request.routeOptions.url };
      if (generation === this.generation) this.pages.set(key, kept);
    }
    return this.deliver(request, reply, kept);
  }

  /**
   * Answers from a kept page before the rest of the request's work (session, access check, page
   * context): for a browser asking a kept URL with no session cookie and no credentials. Returns
   * false, having sent nothing, for everyone else. `sessionCookie` is the session cookie's name.
   */
  answerEarly(request: FastifyRequest, reply: FastifyReply, sessionCookie: string): boolean {
    // Most requests (the API, posts, scripts) cannot be a kept page: skip parsing their cookies.
    if (request.method !== 'GET' || !(request.headers.accept ?? '').includes('text/html')) return false;
    // The cookie plugin's own hook comes later; csrfTokenFor reads (and adds to) these.
    request.cookies = fastifyCookie.parse(request.headers.cookie ?? '');
    const kept = this.keptFor(request, request.cookies, sessionCookie);
    if (!kept) return false;
    this.earlyAnswers++;
    void this.deliver(request, reply, kept);
    return true;
  }

  private deliver(request: FastifyRequest, reply: FastifyReply, kept: KeptPage): FastifyReply {
    const token = kept.parts.length > 1 ? csrfTokenFor(request, reply) : '';
    const etag = etagOf(kept, token);
    reply.header('etag', etag).header('cache-control', 'private, no-cache');
    if (request.headers['if-none-match'] === etag && !reply.hasHeader('set-cookie'))
      return reply.code(304).send();
    return reply.type('text/html; charset=utf-8').send(bodyOf(kept, token));
  }
}

/** What a kept page depends on besides the code: an anonymous visitor's language, theme, zone and URL. */
const keyOf = (lang: string, theme: string, timeZone: string, url: string) =>
  `${lang}\n${theme}\n${timeZone}\n${url}`;
