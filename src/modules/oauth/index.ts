/** The OAuth feature's public surface: the authorization server, and its tokens for the access check. */
export { createBearerTokens } from './bearer/port.js';
export { ensureSigningKey, keySettings, listKeys, rotateKeys } from './keys/key-store.js';
export { oauthModule } from './module.js';
export { securityOf, securitySchemes } from './openapi-security.js';
