import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { needs } from '../../../../identity/access.js';
import { renderPage } from '../../../../web/forms.js';
import { readScope } from '../../policy.js';
import { searchTickets } from '../../repo/search.js';
import { ticketActor } from '../../request-actor.js';
import { loadChoices, lookupsFor } from './lookups.js';
import { pageOf } from './page-text.js';
import { presentRow } from './present.js';

const Query = Type.Object({ q: Type.Optional(Type.String({ maxLength: 400 })) });
const LIMIT = 50;

/**
 * Search for the team: every ticket and message, internal notes included, best match first, with
 * the words found highlighted (the subject's hits outrank the messages').
 */
export const inboxSearchRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.platform.database.db;

  app.get(
    '/inbox/search',
    { ...needs('tickets:read:any'), schema: { querystring: Query } },
    async (request, reply) => {
      const q = (request.query.q ?? '').trim();
      const { t } = await pageOf(request, reply);
      const actor = ticketActor(request);
      const context = { q, hits: [] as unknown[], active: 'search' };
      if (q.length > 200)
        return renderPage(
          request,
          reply,
          'pages/inbox/search.njk',
          {
            ...context,
            errors: { q: t('tickets:search.tooLong') },
          },
          400,
        );
      if (!q) return renderPage(request, reply, 'pages/inbox/search.njk', context);
      const found = await searchTickets(db, readScope(actor), q, {
        language: app.platform.config.SEARCH_LANGUAGE,
        limit: LIMIT,
      });
      const look = await lookupsFor(
        request.server,
        await loadChoices(request.server, t),
        found.flatMap((h) => [h.ticket.requester_id, h.ticket.assignee_id]),
        t,
      );
      const hits = found.map((h) => ({
        ...presentRow(h.ticket, look),
        subjectHtml: h.subjectHtml,
        snippetHtml: h.snippetHtml,
      }));
      return renderPage(request, reply, 'pages/inbox/search.njk', {
        ...context,
        hits,
        limited: hits.length === LIMIT,
      });
    },
  );
};
