import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { cookieName } from '../identity/session-cookie.js';
import { SESSION_COOKIE } from '../identity/session-settings.js';
import type { PageCache } from './page-cache.js';

/**
 * Answers kept public pages (PageCache) right after the security headers and the https redirect,
 * before the session lookup, the access check and the page context, which a visitor without a
 * session cookie does not need for a page that is already rendered. Everything after the answer
 * still runs: cookies, `no-store` for a new visitor, compression, the request log line.
 * Registered before the auth plugin so its hook comes first.
 */
export const keptPagesPlugin = fp(
  async (app: FastifyInstance, options: { pageCache: PageCache }) => {
    const session = cookieName(SESSION_COOKIE, app.platform.config.PUBLIC_URL);
    app.addHook('onRequest', (request, reply, done) => {
      if (!options.pageCache.answerEarly(request, reply, session)) done();
    });
  },
  { name: 'kept-pages' },
);
