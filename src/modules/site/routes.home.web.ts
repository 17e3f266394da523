import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PUBLIC } from '../../identity/access.js';

/** Public pages of the site. Untagged, so they stay out of the OpenAPI document. */
export const siteWebRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/', PUBLIC, async (_request, reply) => reply.viewAsync('pages/home.njk'));
};
