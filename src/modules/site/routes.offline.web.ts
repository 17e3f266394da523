import type { FastifyInstance } from 'fastify';
import { PUBLIC } from '../../identity/access.js';
import { translator } from '../../platform/i18n/catalog.js';
import { supportedLocale } from '../../platform/i18n/locales.js';

/**
 * The page the service worker shows when a navigation fails for want of a network. The worker
 * fetches it without cookies and asks for the page's language (`?lang=nl`); it is a document of its
 * own (no navigation, no forms), since it stands in for whatever page could not be loaded.
 */
export async function siteOfflineRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: { lang?: string } }>('/offline', PUBLIC, async (request, reply) => {
    const page = await app.preparePage(request, reply);
    const lang = supportedLocale(request.query.lang) ?? page.lang;
    reply.header('content-language', lang);
    reply.header('cache-control', 'no-cache');
    return reply.viewAsync('pages/offline.njk', { lang, t: translator(lang) });
  });
}
