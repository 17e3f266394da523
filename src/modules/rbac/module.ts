import type { FeatureModule } from '../module.js';
import { rbacApiRoutes } from './routes.api.js';
import { rbacWebRoutes } from './routes.web.js';

/** Roles and permissions: the editor API and page. Enforcement itself is the access-control plugin (plugin.ts). */
export const rbacModule: FeatureModule = {
  name: 'rbac',
  navigation: [
    {
      key: 'roles',
      href: '/admin/roles',
      label: 'rbac:nav.roles',
      description: 'rbac:nav.rolesAbout',
      area: 'admin',
      permissions: ['roles:manage'],
      order: 20,
    },
  ],
  async routes(app) {
    await app.register(rbacApiRoutes);
    await app.register(rbacWebRoutes);
  },
};
