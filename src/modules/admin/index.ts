/** The admin feature's public surface: user administration, the outbox viewer and the admin pages. */
export { adminModule } from './module.js';
