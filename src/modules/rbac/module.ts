import type { FeatureModule } from '../module.js';
import { rbacApiRoutes } from './routes.api.js';

/** Roles and permissions: the editor API. Enforcement itself is the access-control plugin (plugin.ts). */
export const rbacModule: FeatureModule = {
  name: 'rbac',
  async routes(app) {
    await app.register(rbacApiRoutes);
  },
};
