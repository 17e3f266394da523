import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PUBLIC } from '../../identity/access.js';

/** Public pages of the site. Untagged, so they stay out of the OpenAPI document. */
export const siteWebRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // The same page for every visitor who is not signed in (in their language): rendered once, kept.
  app.get('/', PUBLIC, async (request, reply) => app.pageCache.send(request, reply, 'pages/home.njk'));
};
