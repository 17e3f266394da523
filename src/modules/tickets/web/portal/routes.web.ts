import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { helpWebRoutes } from '../help/routes.web.js';
import { portalListRoutes } from './routes.list.web.js';
import { portalNewTicketRoutes } from './routes.new.web.js';
import { portalThreadRoutes } from './routes.thread.web.js';

/** The customer portal: my tickets, ask for help (with or without an account), and a ticket's public thread. */
export const portalWebRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(portalListRoutes);
  await app.register(portalNewTicketRoutes);
  await app.register(portalThreadRoutes);
  await app.register(helpWebRoutes);
};
