/** The admin feature's public surface: user administration, the outbox viewer and the admin pages. */
export { adminModule } from './module.js';
export {
  type Actor,
  disableUser,
  enableUser,
  endUserSessions,
  inviteUser,
  userByEmailOrFail,
} from './users/service.js';
