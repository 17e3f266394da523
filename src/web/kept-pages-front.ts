import type { IncomingMessage, ServerResponse } from 'node:http';
import { fastifyCookie } from '@fastify/cookie';
import { isPreSessionId, preSessionToken } from '../identity/csrf.js';
import type { EarlyAnswer } from '../platform/http/front-server.js';
import type { AnsweredRequest } from '../platform/http/observability.js';
import { requestIdFor } from '../platform/http/request-id.js';
import { requestProtocol, type TrustProxy } from '../platform/http/request-protocol.js';
import { randomToken } from '../shared/random-token.js';
import { bodyOf, etagOf, type PageCache } from './page-cache.js';

/** What the answer needs to be the one Fastify's path gives (kept-pages-plugin.ts). */
export interface FrontDoorSettings {
  /** PUBLIC_URL is https: only requests that came over https (per `trusted`) are answered here. */
  https: boolean;
  trusted: TrustProxy;
  sessionCookie: string;
  preSessionCookie: string;
  /** As the pre-session cookie is set on the Fastify path (identity/session-cookie.ts). */
  cookieOptions: Parameters<typeof fastifyCookie.serialize>[2];
  secretKey: string;
  /** The page security headers (security-headers.ts). */
  pageHeaders: Record<string, string>;
  record(answered: AnsweredRequest, options: { log: boolean; metrics: boolean }): void;
}

/**
 * Kept public pages answered by the HTTP server itself, before Fastify, for the requests that
 * need nothing else: a browser's GET of a kept URL, without a session cookie or credentials,
 * asking for no compression (behind a proxy that compresses, as deploy/ sets nginx up), over https
 * when PUBLIC_URL is. The answer is the one the Fastify path gives (the same headers, cookie,
 * token, `304`, log line and metrics: test/http/page-cache.test.ts compares them); anything else
 * goes to Fastify, which still answers kept pages early (kept-pages-plugin.ts). A bare node:http
 * server sends this 8 kB page at 83 % of its ceiling, Fastify's path at 13-22 % (bench/README.md).
 */
export function keptPagesFront(cache: PageCache, settings: FrontDoorSettings): EarlyAnswer {
  const securityHeaders = Object.entries(settings.pageHeaders).flat();
  return (request: IncomingMessage, response: ServerResponse) => {
    const started = performance.now();
    const { headers } = request;
    // The Fastify path compresses for browsers that ask (and judges the rest the same way).
    const encoding = headers['accept-encoding'];
    if (encoding && encoding !== 'identity') return false;
    if (settings.https && requestProtocol(request, settings.trusted) !== 'https') return false;
    const cookies = fastifyCookie.parse(headers.cookie ?? '');
    const kept = cache.keptFor(request, cookies, settings.sessionCookie);
    if (!kept) return false;
    cache.frontAnswers++;

    let token = '';
    let setCookie: string | undefined;
    if (kept.parts.length > 1) {
      let preSession = cookies[settings.preSessionCookie];
      if (!isPreSessionId(preSession)) {
        preSession = randomToken();
        setCookie = fastifyCookie.serialize(settings.preSessionCookie, preSession, settings.cookieOptions);
      }
      token = preSessionToken(settings.secretKey, preSession);
    }
    const etag = etagOf(kept, token);
    const requestId = requestIdFor(request);
    const answer = securityHeaders.slice();
    answer.push('x-request-id', requestId, 'etag', etag);
    // A new visitor's answer sets their cookie: nobody else's, so no cache may keep it.
    answer.push('cache-control', setCookie ? 'no-store' : 'private, no-cache');
    if (setCookie) answer.push('set-cookie', setCookie);
    let status = 304;
    if (headers['if-none-match'] === etag && !setCookie) {
      response.writeHead(304, answer);
      response.end();
    } else {
      status = 200;
      const body = bodyOf(kept, token);
      answer.push(
        'content-type',
        'text/html; charset=utf-8',
        'content-length',
        String(Buffer.byteLength(body)),
      );
      response.writeHead(200, answer);
      response.end(body);
    }
    settings.record(
      {
        requestId,
        method: 'GET',
        url: request.url ?? '/',
        route: kept.route,
        status,
        ms: performance.now() - started,
      },
      { log: true, metrics: true },
    );
    return true;
  };
}
