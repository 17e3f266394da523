/** The tickets feature's public surface: portal, inbox, API, live updates and notifications. */
export { ticketsModule } from './module.js';
