import type { FeatureModule } from '../module.js';
import { inboundMailJobFor } from './inbound/job.js';
import { emailRoutes } from './routes.js';

/** The email channel: mail in (SMTP listener) becomes tickets and replies. */
export const emailModule: FeatureModule = {
  name: 'email',
  navigation: [
    {
      key: 'mail',
      href: '/admin/mail',
      label: 'email:nav.mail',
      description: 'email:nav.mailAbout',
      area: 'admin',
      permissions: ['mail:manage'],
      order: 45,
    },
  ],
  routes: emailRoutes,
  jobs: (config) => [inboundMailJobFor(config)],
};
