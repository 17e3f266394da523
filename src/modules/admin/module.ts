import type { FeatureModule } from '../module.js';
import { adminApiRoutes } from './routes.api.js';
import { adminWebRoutes } from './routes.web.js';

/** The admin panel. For now: the dev outbox (mail and texts kept while no provider is configured). */
export const adminModule: FeatureModule = {
  name: 'admin',
  async routes(app) {
    await app.register(adminApiRoutes);
    await app.register(adminWebRoutes);
  },
};
