import type { FeatureModule } from '../module.js';
import { siteWebRoutes } from './routes.home.web.js';
import { siteApiRoutes } from './routes.instance.api.js';
import { siteOfflineRoutes } from './routes.offline.web.js';
import { siteSeoRoutes } from './routes.seo.web.js';

/**
 * The public site: the home page, the offline page, robots.txt and the sitemap of every feature's
 * public pages, and the instance's name and version.
 */
export const siteModule: FeatureModule = {
  name: 'site',
  publicPages: [{ path: '/' }],
  async routes(app) {
    await app.register(siteApiRoutes);
    await app.register(siteWebRoutes);
    await app.register(siteOfflineRoutes);
    await app.register(siteSeoRoutes);
  },
};
