/** The roles feature's public surface: the roles editor, and assigning roles to a user. */
export { rbacModule } from './module.js';
export { setUserRoles } from './service.js';
