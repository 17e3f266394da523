import type { FeatureModule } from '../module.js';
import { adminApiRoutes } from './routes.api.js';
import { adminOverviewRoutes } from './routes.overview.web.js';
import { adminWebRoutes } from './routes.web.js';
import { adminUserApiRoutes } from './users/routes.api.js';
import { adminUserWebRoutes } from './users/routes.web.js';

/** The admin panel: user administration (invite, disable, sign out) and the dev outbox. */
export const adminModule: FeatureModule = {
  name: 'admin',
  navigation: [
    {
      key: 'users',
      href: '/admin/users',
      label: 'admin:nav.users',
      description: 'admin:nav.usersAbout',
      area: 'admin',
      permissions: ['users:read'],
      order: 10,
    },
    {
      key: 'outbox',
      href: '/admin/outbox',
      label: 'admin:nav.outbox',
      description: 'admin:nav.outboxAbout',
      area: 'admin',
      permissions: ['outbox:read'],
      order: 80,
    },
  ],
  async routes(app) {
    await app.register(adminApiRoutes);
    await app.register(adminOverviewRoutes);
    await app.register(adminWebRoutes);
    await app.register(adminUserApiRoutes);
    await app.register(adminUserWebRoutes);
  },
};
