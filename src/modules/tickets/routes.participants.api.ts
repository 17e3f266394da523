import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { needs } from '../../identity/access.js';
import { inTicketTransaction, ticketDeps } from './context.js';
import { addParticipant, listParticipants, type Participant, removeParticipant } from './participants.js';
import { assertVisible, seesAll } from './policy.js';
import { findTicket } from './repo/tickets.js';
import { ticketActor } from './request-actor.js';
import { TicketParams } from './schemas.js';

const tags = ['tickets'];
const ParticipantSchema = Type.Object({
  email: Type.String(),
  addedBy: Type.Union([Type.String({ format: 'uuid' }), Type.Null()], {
    description: 'Who on the team added them; null when they were copied on a mail',
  }),
  createdAt: Type.String({ format: 'date-time' }),
});
const present = (p: Participant) => ({ ...p, createdAt: p.createdAt.toISOString() });

/**
 * People copied on a ticket besides its requester (CC'd on a mail, or added by the team): they
 * get its public replies by mail and may answer them. The team reads and changes the list.
 */
export const participantApiRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.platform.database.db;

  app.get(
    '/api/v1/tickets/:id/participants',
    {
      ...needs('tickets:read:any'),
      schema: {
        tags,
        summary: 'People copied on a ticket (the team only)',
        params: TicketParams,
        response: { 200: Type.Object({ items: Type.Array(ParticipantSchema) }) },
      },
    },
    async (request) => {
      const actor = ticketActor(request);
      assertVisible(actor, await findTicket(db, request.params.id));
      return { items: seesAll(actor) ? (await listParticipants(db, request.params.id)).map(present) : [] };
    },
  );

  app.post(
    '/api/v1/tickets/:id/participants',
    {
      ...needs('tickets:update:any'),
      schema: {
        tags,
        summary: 'Copy someone on a ticket: they get its public replies by mail',
        params: TicketParams,
        body: Type.Object(
          { email: Type.String({ minLength: 1, maxLength: 254 }) },
          { examples: [{ email: 'colleague@example.com' }] },
        ),
        response: { 201: ParticipantSchema },
      },
    },
    async (request, reply) => {
      const added = await inTicketTransaction(ticketDeps(app.platform), request, (ctx) =>
        addParticipant(ctx, ticketActor(request), request.params.id, request.body.email),
      );
      return reply.code(201).send(present(added));
    },
  );

  app.delete(
    '/api/v1/tickets/:id/participants/:email',
    {
      ...needs('tickets:update:any'),
      schema: {
        tags,
        summary: 'Stop copying someone on a ticket',
        params: Type.Object({
          ...TicketParams.properties,
          email: Type.String({ minLength: 1, maxLength: 254, description: 'The address to stop copying' }),
        }),
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await inTicketTransaction(ticketDeps(app.platform), request, (ctx) =>
        removeParticipant(ctx, ticketActor(request), request.params.id, request.params.email),
      );
      return reply.code(204).send(null);
    },
  );
};
