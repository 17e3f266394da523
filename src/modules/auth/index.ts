/** The auth feature's public surface: sign-in pages and factors, and what other features build on. */

export { confirmedFactors } from './mfa/factors-repo.js';
export { authModule } from './module.js';
export { confirmPassword } from './reauth.js';
export { accountAction, accountPage } from './routes.profile.web.js';
export { createAdmin } from './service/bootstrap.js';
export { issueToken } from './tokens/one-time-tokens.js';
