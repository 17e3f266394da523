import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { inboxActionRoutes } from './routes.actions.web.js';
import { inboxBulkRoutes } from './routes.bulk.web.js';
import { inboxListRoutes } from './routes.list.web.js';
import { inboxSearchRoutes } from './routes.search.web.js';
import { inboxTicketRoutes } from './routes.ticket.web.js';

/** The agent inbox pages: the list with its views and bulk actions, and the agent's ticket page. */
export const inboxWebRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(inboxListRoutes);
  await app.register(inboxBulkRoutes);
  await app.register(inboxSearchRoutes);
  await app.register(inboxTicketRoutes);
  await app.register(inboxActionRoutes);
};
