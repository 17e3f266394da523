import type { PubSub } from '../../platform/pubsub/port.js';

/**
 * After a ticket change commits, the node that made it sends a nudge on this channel; every node
 * with open streams then reads the new timeline rows each stream may see (live.ts).
 */
export const TICKETS_CHANNEL = 'tickets.changed';

export const announceTicketChange = (pubsub: PubSub, ticketId: string): Promise<void> =>
  pubsub.publish(TICKETS_CHANNEL, { ticketId });
