import type { FastifyRequest } from 'fastify';
import type { TicketActor } from './policy.js';

/** The ticket actor of a permission-checked request: its user (none for an integration) and permissions. */
export const ticketActor = (request: FastifyRequest): TicketActor => ({
  userId: request.actor!.user?.id ?? null,
  ...(request.actor!.clientId ? { clientId: request.actor!.clientId } : {}),
  permissions: request.actor!.permissions,
});
