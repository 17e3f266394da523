/** The tickets feature's public surface: portal, inbox, API, live updates and notifications. */

export {
  appendFromChannel,
  type ChannelContext,
  openFromChannel,
  reportUndelivered,
  type TicketRow,
  ticketByMailReference,
  ticketByNumber,
  type UploadedFile,
} from './channel.js';
export { ticketsModule } from './module.js';
export { listCategories } from './repo/categories.js';
export { ticketKey } from './schemas.js';
