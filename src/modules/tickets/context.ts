import type { FastifyRequest } from 'fastify';
import type { AuthDeps } from '../../identity/context.js';
import { authDeps } from '../../identity/ports.js';
import { inTransaction } from '../../identity/request-context.js';
import type { PubSub } from '../../platform/pubsub/port.js';
import type { Platform } from '../../platform/runtime.js';
import { announceTicketChange } from './live-channel.js';
import { notificationJobs } from './notifications/digest.js';
import type { NotificationJobs, TicketContext } from './notifications/notify.js';

export type { TicketContext } from './notifications/notify.js';

/** What ticket routes (API and pages) hand their use cases: the auth ports plus notifications. */
export interface TicketDeps extends AuthDeps {
  notifications: NotificationJobs;
  pubsub: PubSub;
}

export const ticketDeps = (platform: Platform): TicketDeps => ({
  ...authDeps(platform),
  notifications: notificationJobs(platform),
  pubsub: platform.pubsub,
});

/**
 * `inTransaction` for ticket changes: the use case gets a TicketContext, so the mail a change
 * causes is scheduled in the change's own transaction. Once it has committed, this node's kept
 * ticket lists go at once (the next request here sees the change without waiting for the
 * database's notice, which tells the other nodes), and the live streams of every ticket the use
 * case changed are nudged. A rolled-back change announces nothing.
 */
export async function inTicketTransaction<T>(
  deps: TicketDeps,
  request: FastifyRequest,
  run: (ctx: TicketContext) => Promise<T>,
): Promise<T> {
  const changed = new Set<string>();
  const result = await inTransaction(deps, request, (ctx) =>
    run({ ...ctx, notifications: deps.notifications, changed }),
  );
  request.server.ticketLists.changedHere();
  for (const ticketId of changed) await announceTicketChange(deps.pubsub, ticketId);
  return result;
}
