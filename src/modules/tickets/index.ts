/** The tickets feature's public surface: portal, inbox, API, live updates and notifications. */

export {
  appendFromChannel,
  type ChannelContext,
  openFromChannel,
  reportDelivered,
  reportUndelivered,
  type TicketRow,
  ticketByMailReference,
  ticketByNumber,
  type UploadedFile,
} from './channel.js';
export { announceTicketChange } from './live-channel.js';
export { ticketsModule } from './module.js';
export { type ChannelReply, registerReplyChannel } from './reply-channels.js';
export { listCategories } from './repo/categories.js';
// For features that keep a ticket's id (a converted lead) to show its key; the caller decides who sees it.
export { findTicket as ticketById } from './repo/tickets.js';
export { ticketKey } from './schemas.js';
