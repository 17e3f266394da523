/** The leads feature's public surface: the contact form and the team's pipeline behind it. */

export { leadsModule } from './module.js';
