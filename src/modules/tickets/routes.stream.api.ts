import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { needs } from '../../identity/access.js';
import { serveEventStream } from './live.js';
import { assertVisible } from './policy.js';
import { findTicket } from './repo/tickets.js';
import { ticketActor } from './request-actor.js';
import { TicketParams } from './schemas.js';

const READ = needs('tickets:read:own', 'tickets:read:any');
/** The stream's format, for the API document (the handler writes the stream itself). */
const response = {
  200: {
    description: 'text/event-stream',
    content: {
      'text/event-stream': {
        schema: Type.String({
          examples: [
            'id: 4182\nevent: reply\ndata: {"ticketId":"…","kind":"reply","from":null,"to":"…","actorId":"…","at":"2026-12-02T14:05:00.000Z"}\n\n',
          ],
        }),
      },
    },
  },
};
const description =
  'Server-Sent Events: one event per timeline entry (`created`, `reply`, `note` for the team, `status`, `assignee`, …), `id` = its timeline id. Reconnect with `Last-Event-ID` to get what was missed.';

/** Live updates over SSE, for one ticket's thread and for the inbox (every ticket the caller sees). */
export const ticketStreamRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const open = new Set<() => void>();
  // Streams never end by themselves: close them so a shutdown does not wait for browsers.
  app.addHook('preClose', async () => {
    for (const close of open) close();
  });
  const track = (close: () => void) => {
    open.add(close);
    return () => open.delete(close);
  };

  app.get(
    '/api/v1/tickets/stream',
    {
      ...READ,
      schema: { tags: ['tickets'], summary: 'Live changes to every ticket you see', description, response },
    },
    async (request, reply) => {
      const close = await serveEventStream(request, reply, { actor: ticketActor(request) });
      request.raw.on('close', track(close));
    },
  );

  app.get(
    '/api/v1/tickets/:id/stream',
    {
      ...READ,
      schema: {
        tags: ['tickets'],
        summary: 'Live changes to one ticket',
        description,
        params: TicketParams,
        response,
      },
    },
    async (request, reply) => {
      const actor = ticketActor(request);
      assertVisible(actor, await findTicket(app.platform.database.db, request.params.id));
      const close = await serveEventStream(request, reply, { actor, ticketId: request.params.id });
      request.raw.on('close', track(close));
    },
  );
};
