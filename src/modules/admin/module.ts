import type { FeatureModule } from '../module.js';
import { adminApiRoutes } from './routes.api.js';
import { adminWebRoutes } from './routes.web.js';
import { adminUserApiRoutes } from './users/routes.api.js';
import { adminUserWebRoutes } from './users/routes.web.js';

/** The admin panel: user administration (invite, disable, sign out) and the dev outbox. */
export const adminModule: FeatureModule = {
  name: 'admin',
  async routes(app) {
    await app.register(adminApiRoutes);
    await app.register(adminWebRoutes);
    await app.register(adminUserApiRoutes);
    await app.register(adminUserWebRoutes);
  },
};
