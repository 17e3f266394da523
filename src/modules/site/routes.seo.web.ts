import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PUBLIC } from '../../identity/access.js';
import { listPublicPages } from '../../identity/public-pages.js';
import { sendCacheable } from '../../web/cacheable.js';
import { languageUrl } from '../../web/language-url.js';
import { robotsTxt } from './robots.js';
import { sitemapXml } from './sitemap.js';

/**
 * An hour: crawlers fetch these a few times a day at most, and a page added or edited shows up in
 * the sitemap within the hour (the ETag makes asking again cheap).
 */
const CACHE = 'public, max-age=3600';

/** robots.txt and sitemap.xml, at the root where crawlers look (RFC 9309 §2.3; sitemaps.org). */
export const siteSeoRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { PUBLIC_URL } = app.platform.config;
  const robots = robotsTxt(languageUrl(PUBLIC_URL, '/sitemap.xml'));

  app.get('/robots.txt', PUBLIC, async (request, reply) =>
    sendCacheable(request, reply, { type: 'text/plain; charset=utf-8', body: robots, cacheControl: CACHE }),
  );

  app.get('/sitemap.xml', PUBLIC, async (request, reply) => {
    const pages = await listPublicPages(app.platform.database.db);
    const body = sitemapXml(PUBLIC_URL, pages);
    return sendCacheable(request, reply, {
      type: 'application/xml; charset=utf-8',
      body,
      cacheControl: CACHE,
    });
  });
};
