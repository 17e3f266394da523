/** The tickets feature's public surface: portal, inbox, API, live updates and notifications. */

export {
  appendFromChannel,
  type ChannelContext,
  openFromChannel,
  type TicketRow,
  ticketByNumber,
} from './channel.js';
export { ticketsModule } from './module.js';
export { ticketKey } from './schemas.js';
