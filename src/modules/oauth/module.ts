import type { FeatureModule } from '../module.js';
import { AccessTokenVerifier } from './bearer/verifier.js';
import { KEYS_CHANGED_CHANNEL } from './keys/announce.js';
import { keySettings } from './keys/key-store.js';
import { keyRotationJob, keyRotationSchedule } from './keys/rotation-job.js';
import { oauthCleanupJob, oauthCleanupSchedule } from './provider/cleanup-job.js';
import { revokeGrantsOfUser } from './provider/grants.js';
import { OauthServer } from './provider/provider.js';
import { authorisedAppRoutes } from './routes.apps.web.js';
import { clientApiRoutes } from './routes.clients.api.js';
import { clientWebRoutes } from './routes.clients.web.js';
import { interactionRoutes } from './routes.interaction.web.js';
import { jwksRoutes } from './routes.jwks.api.js';
import { providerRoutes } from './routes.provider.api.js';

/**
 * OAuth 2.0 / OpenID Connect: the authorization server at /oauth (sign-in and consent pages,
 * tokens, JWKS and the keys every node shares), the apps administrators register and the apps
 * each user has connected. API routes accept its access tokens through the access check (rbac).
 */
export const oauthModule: FeatureModule = {
  name: 'oauth',
  navigation: [
    {
      key: 'apps',
      href: '/admin/apps',
      label: 'oauth:nav.clients',
      description: 'oauth:nav.clientsAbout',
      area: 'admin',
      permissions: ['oauth_clients:manage'],
      order: 50,
    },
    {
      key: 'connected-apps',
      href: '/account/apps',
      label: 'oauth:nav.connectedApps',
      area: 'account',
      order: 30,
    },
  ],
  async routes(app) {
    await app.register(jwksRoutes);
    const { db } = app.platform.database;
    const verifier = new AccessTokenVerifier(db, app.platform.config);
    const server = new OauthServer(db, app.platform.config, (template, data) => app.view(template, data), {
      db,
      verifier,
      roles: () => app.roleGraph.get(),
    });
    const unsubscribe = await app.platform.pubsub.subscribe(KEYS_CHANGED_CHANNEL, () => {
      server.invalidate();
      verifier.invalidate();
    });
    app.addHook('onClose', () => unsubscribe());
    await app.register(providerRoutes, { server });
    await app.register(interactionRoutes, { server });
    await app.register(clientApiRoutes);
    await app.register(clientWebRoutes);
    await app.register(authorisedAppRoutes);
  },
  jobs: (config) => [keyRotationJob(keySettings(config)), oauthCleanupJob],
  schedules: (config) => [keyRotationSchedule(keySettings(config)), oauthCleanupSchedule],
  // Withdrawn access includes the apps the person connected: their grants and every token in them.
  onSignOut: (trx, userId) => revokeGrantsOfUser(trx, userId),
};
