import type { BearerTokens } from '../../../identity/token-port.js';
import type { Platform } from '../../../platform/runtime.js';
import { KEYS_CHANGED_CHANNEL } from '../keys/announce.js';
import { resolvePrincipal } from './principal.js';
import { AccessTokenVerifier } from './verifier.js';

/**
 * The access check's view of this feature's access tokens (identity/token-port.ts): signature,
 * expiry and audience by the verifier, then revocation, grant, user and client by the principal.
 * It follows key changes itself, so a rotated key is fetched before the first token it signed.
 */
export async function createBearerTokens(platform: Platform): Promise<BearerTokens> {
  const { db } = platform.database;
  const verifier = new AccessTokenVerifier(db, platform.config);
  const unsubscribe = await platform.pubsub.subscribe(KEYS_CHANGED_CHANNEL, () => verifier.invalidate());
  return {
    principalOf: async (token, roles) => resolvePrincipal(db, roles, await verifier.verify(token)),
    close: async () => unsubscribe(),
  };
}
