import type { FeatureModule } from '../module.js';
import { siteWebRoutes } from './routes.home.web.js';
import { siteApiRoutes } from './routes.instance.api.js';
import { siteOfflineRoutes } from './routes.offline.web.js';

/** The public site: the home page, the offline page and the instance's name and version. */
export const siteModule: FeatureModule = {
  name: 'site',
  async routes(app) {
    await app.register(siteApiRoutes);
    await app.register(siteWebRoutes);
    await app.register(siteOfflineRoutes);
  },
};
