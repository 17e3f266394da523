import type { FeatureModule } from '../module.js';
import { rbacApiRoutes } from './routes.api.js';
import { rbacWebRoutes } from './routes.web.js';

/** Roles and permissions: the editor API and page. Enforcement itself is the access-control plugin (plugin.ts). */
export const rbacModule: FeatureModule = {
  name: 'rbac',
  async routes(app) {
    await app.register(rbacApiRoutes);
    await app.register(rbacWebRoutes);
  },
};
