import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { needs } from '../../../../identity/access.js';
import { pageOf } from './page-text.js';
import { loadTicket, renderActivity, renderTicket } from './ticket-page.js';

const READ = needs('tickets:read:any');
const Params = Type.Object({ key: Type.String({ maxLength: 30 }) });

/** What a successful action says once the browser is back on the ticket (post/redirect/get). */
export const DONE = [
  'changed',
  'claimed',
  'reply',
  'note',
  'time',
  'time_removed',
  'participant_added',
  'participant_removed',
] as const;
export type Done = (typeof DONE)[number];

/** The agent's view of one ticket, and its live region (thread and timeline). */
export const inboxTicketRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/inbox/:key',
    {
      ...READ,
      schema: {
        params: Params,
        querystring: Type.Object({ done: Type.Optional(Type.String({ maxLength: 20 })) }),
      },
    },
    async (request, reply) => {
      const ticket = await loadTicket(request, request.params.key);
      const done = DONE.find((d) => d === request.query.done);
      const { t } = await pageOf(request, reply);
      return renderTicket(request, reply, ticket, {
        messages: done ? [{ type: 'success', text: t(`tickets:ticket.done.${done}`) }] : [],
      });
    },
  );

  app.get(
    '/inbox/:key/activity',
    {
      ...READ,
      schema: {
        params: Params,
        querystring: Type.Object({ v: Type.Optional(Type.String({ maxLength: 12 })) }),
      },
    },
    (request, reply) =>
      renderActivity(
        request,
        reply,
        request.params.key,
        Number.parseInt(request.query.v ?? '', 10) || Number.MAX_SAFE_INTEGER,
      ),
  );
};
