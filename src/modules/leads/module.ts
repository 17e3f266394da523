import type { FeatureModule } from '../module.js';
import { leadApiRoutes } from './routes.api.js';
import { leadSettingsApiRoutes } from './routes.settings.api.js';
import { leadSettingsChangedAt } from './settings.js';
import { contactWebRoutes } from './web/routes.contact.web.js';
import { leadWebRoutes } from './web/routes.lead.web.js';
import { leadListWebRoutes } from './web/routes.list.web.js';
import { leadSettingsWebRoutes } from './web/routes.settings.web.js';

/** The public contact form and the leads it makes: pipeline, notes, owners, CSV, conversion. */
export const leadsModule: FeatureModule = {
  name: 'leads',
  navigation: [
    {
      key: 'contact',
      href: '/contact',
      label: 'leads:nav.contact',
      area: 'main',
      audience: 'signed-out',
      order: 45,
    },
    {
      key: 'leads',
      href: '/admin/leads',
      label: 'leads:nav.leads',
      description: 'leads:nav.leadsAbout',
      area: 'admin',
      permissions: ['leads:read', 'leads:manage'],
      order: 48,
    },
  ],
  // The form itself; what it says changes only with the services an administrator sets.
  publicPages: async (db) => [{ path: '/contact', lastModified: await leadSettingsChangedAt(db) }],
  async routes(app) {
    await app.register(contactWebRoutes);
    await app.register(leadListWebRoutes);
    await app.register(leadSettingsWebRoutes);
    await app.register(leadWebRoutes);
    await app.register(leadSettingsApiRoutes);
    await app.register(leadApiRoutes);
  },
};
