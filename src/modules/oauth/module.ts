import type { FeatureModule } from '../module.js';
import { keySettings } from './keys/key-store.js';
import { keyRotationJob, keyRotationSchedule } from './keys/rotation-job.js';
import { oauthCleanupJob, oauthCleanupSchedule } from './provider/cleanup-job.js';
import { jwksRoutes } from './routes.jwks.js';
import { providerRoutes } from './routes.provider.js';

/** OAuth 2.0 / OpenID Connect. So far: the signing keys every node shares, their rotation and the JWKS, and the token store. */
export const oauthModule: FeatureModule = {
  name: 'oauth',
  async routes(app) {
    await app.register(jwksRoutes);
    await app.register(providerRoutes);
  },
  jobs: (config) => [keyRotationJob(keySettings(config)), oauthCleanupJob],
  schedules: (config) => [keyRotationSchedule(keySettings(config)), oauthCleanupSchedule],
};
