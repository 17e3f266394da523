import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SIGNED_IN } from '../../identity/access.js';
import { requireUserId } from '../../identity/session-plugin.js';
import { AppError } from '../../shared/errors.js';
import { preparePage } from '../../web/page-context.js';

/**
 * `/admin`: the admin section's front page, one card per admin page the viewer may open (the
 * features declare them in their navigation). Someone who may open none is refused.
 */
export const adminOverviewRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/admin', SIGNED_IN, async (request, reply) => {
    requireUserId(request);
    const page = await preparePage(request, reply);
    if (page.nav.admin.length === 0) throw new AppError('forbidden');
    return reply.viewAsync('pages/admin/overview.njk');
  });
};
