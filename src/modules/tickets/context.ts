import type { FastifyRequest } from 'fastify';
import type { AuthDeps } from '../../identity/context.js';
import { authDeps } from '../../identity/ports.js';
import { inTransaction } from '../../identity/request-context.js';
import type { Platform } from '../../platform/runtime.js';
import { notificationJobs } from './notifications/digest.js';
import type { NotificationJobs, TicketContext } from './notifications/notify.js';

export type { TicketContext } from './notifications/notify.js';

/** What ticket routes (API and pages) hand their use cases: the auth ports plus notifications. */
export interface TicketDeps extends AuthDeps {
  notifications: NotificationJobs;
}

export const ticketDeps = (platform: Platform): TicketDeps => ({
  ...authDeps(platform),
  notifications: notificationJobs(platform),
});

/**
 * `inTransaction` for ticket changes: the use case gets a TicketContext, so the mail a change
 * causes is scheduled in the change's own transaction. Once it has committed, this node's kept
 * ticket lists go at once: the next request here sees the change without waiting for the
 * database's notice, which tells the other nodes.
 */
export async function inTicketTransaction<T>(
  deps: TicketDeps,
  request: FastifyRequest,
  run: (ctx: TicketContext) => Promise<T>,
): Promise<T> {
  const result = await inTransaction(deps, request, (ctx) =>
    run({ ...ctx, notifications: deps.notifications }),
  );
  request.server.ticketLists.changedHere();
  return result;
}
