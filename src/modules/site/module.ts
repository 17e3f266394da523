import type { FeatureModule } from '../module.js';
import { siteApiRoutes } from './routes.api.js';
import { siteWebRoutes } from './routes.web.js';

export const siteModule: FeatureModule = {
  name: 'site',
  async routes(app) {
    await app.register(siteApiRoutes);
    await app.register(siteWebRoutes);
  },
};
