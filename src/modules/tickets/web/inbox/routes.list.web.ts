import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { needs } from '../../../../identity/access.js';
import { renderInbox } from './list-page.js';

const READ = needs('tickets:read:any');

/** The inbox list: views with counts, filters and sort as a GET form, keyset pages. */
export const inboxListRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/inbox', READ, (request, reply) => renderInbox(request, reply, request.query));

  // The live region alone (tabs with counts, the rows, the page links): reloaded on every change.
  app.get('/inbox/list', READ, (request, reply) =>
    renderInbox(request, reply, request.query, { fragment: true }),
  );
};
