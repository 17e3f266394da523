import { refusal } from '../../shared/errors.js';

/** Who acts on tickets: a user (customer or agent), or an integration (no user) with its permissions. */
export interface TicketActor {
  userId: string | null;
  /** The integration acting as itself (no user), by its OAuth client id. */
  clientId?: string;
  permissions: ReadonlySet<string>;
}

/** Agents (and integrations allowed to) see every ticket and its internal notes. */
export const seesAll = (actor: TicketActor): boolean => actor.permissions.has('tickets:read:any');
/**
 * What a list or a search reads for an actor: the team every ticket and internal note; anyone
 * else only the tickets they asked (none without a user, as row-level security says) and public
 * messages.
 */
export interface ReadScope {
  /** Whom the "mine" view and the `me` assignee name. */
  userId: string | null;
  /** Only this requester's tickets and public messages; null: everything. */
  requesterId: string | null;
}
const NO_USER = '00000000-0000-0000-0000-000000000000';
export const readScope = (actor: TicketActor): ReadScope => ({
  userId: actor.userId,
  requesterId: seesAll(actor) ? null : (actor.userId ?? NO_USER),
});
/** Agents answer, assign and change every ticket. */
export const handlesAll = (actor: TicketActor): boolean => actor.permissions.has('tickets:update:any');

/** A ticket someone may not see does not exist for them (no probing for ticket ids). */
export function assertVisible<T extends { requester_id: string }>(
  actor: TicketActor,
  ticket: T | undefined,
): T {
  if (!ticket || !(seesAll(actor) || ticket.requester_id === actor.userId))
    throw refusal('not_found', 'There is no such ticket.', { key: 'tickets:errors.noTicket' });
  return ticket;
}

/** Requesters act on their own tickets; staff on all. */
export function assertActsOn(actor: TicketActor, ticket: { requester_id: string }): void {
  const own = ticket.requester_id === actor.userId && actor.permissions.has('tickets:update:own');
  if (!own && !handlesAll(actor))
    throw refusal('forbidden', 'You cannot change this ticket.', { key: 'tickets:errors.cannotChange' });
}
