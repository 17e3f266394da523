import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { inboxActionRoutes } from './actions.routes.js';
import { inboxBulkRoutes } from './bulk.routes.js';
import { inboxListRoutes } from './list.routes.js';
import { inboxSearchRoutes } from './search.routes.js';
import { inboxTicketRoutes } from './ticket.routes.js';

/** The agent inbox pages: the list with its views and bulk actions, and the agent's ticket page. */
export const inboxWebRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(inboxListRoutes);
  await app.register(inboxBulkRoutes);
  await app.register(inboxSearchRoutes);
  await app.register(inboxTicketRoutes);
  await app.register(inboxActionRoutes);
};
