import { recordNotVisible } from '../audit/index.js';
import type { FeatureModule } from '../module.js';
import { attachmentCleanupJob, attachmentCleanupSchedule } from './attachments/cleanup.js';
import { attachmentApiRoutes } from './attachments/routes.api.js';
import { TicketListCache } from './list-cache.js';
import { notificationChoices } from './notifications/choices.js';
import { digestJob } from './notifications/digest.js';
import { mailOutGauge } from './notifications/mail-out-metric.js';
import { replyMailJob } from './notifications/reply-mail.js';
import { notificationPreferenceRoutes } from './notifications/routes.preferences.api.js';
import { notificationPreferenceWebRoutes } from './notifications/routes.preferences.web.js';
import { ticketApiRoutes } from './routes.api.js';
import { ticketExtrasApiRoutes } from './routes.extras.api.js';
import { participantApiRoutes } from './routes.participants.api.js';
import { ticketStreamRoutes } from './routes.stream.api.js';
import { categoryWebRoutes } from './web/categories/routes.web.js';
import { inboxWebRoutes } from './web/inbox/routes.web.js';
import { portalWebRoutes } from './web/portal/routes.web.js';

/** Tickets and conversations. So far: the model, its JSON API and the database wall around it. */
export const ticketsModule: FeatureModule = {
  name: 'tickets',
  // The form for asking without an account; its thank-you and confirmation pages are not listed.
  publicPages: [{ path: '/help' }],
  navigation: [
    {
      key: 'inbox',
      href: '/inbox',
      label: 'tickets:nav.inbox',
      area: 'main',
      permissions: ['tickets:read:any'],
      home: 10,
      order: 10,
    },
    {
      key: 'search',
      href: '/inbox/search',
      label: 'tickets:nav.search',
      area: 'main',
      permissions: ['tickets:read:any'],
      order: 20,
    },
    {
      key: 'tickets',
      href: '/tickets',
      label: 'tickets:nav.myTickets',
      area: 'main',
      permissions: ['tickets:read:own'],
      home: 20,
      order: 30,
    },
    {
      key: 'new-ticket',
      href: '/tickets/new',
      label: 'tickets:nav.askForHelp',
      area: 'main',
      permissions: ['tickets:create'],
      order: 40,
    },
    {
      key: 'help',
      href: '/help',
      label: 'tickets:nav.askForHelp',
      area: 'main',
      audience: 'signed-out',
      order: 40,
    },
    {
      key: 'categories',
      href: '/admin/categories',
      label: 'tickets:nav.categories',
      description: 'tickets:nav.categoriesAbout',
      area: 'admin',
      permissions: ['categories:manage'],
      order: 40,
    },
  ],
  profileSection: {
    template: 'pages/auth/_notifications.njk',
    state: async (request, user) => ({ notifications: await notificationChoices(request, user) }),
  },
  async routes(app) {
    const { databaseEvents, config } = app.platform;
    const lists = new TicketListCache(databaseEvents, config.TICKET_LIST_CACHE_SECONDS);
    await lists.start();
    app.decorate('ticketLists', lists);
    app.addHook('onClose', () => lists.stop());
    app.addHook('onError', recordNotVisible);
    await app.register(ticketApiRoutes);
    await app.register(ticketExtrasApiRoutes);
    await app.register(participantApiRoutes);
    await app.register(ticketStreamRoutes);
    await app.register(attachmentApiRoutes);
    await app.register(notificationPreferenceRoutes);
    await app.register(notificationPreferenceWebRoutes);
    await app.register(portalWebRoutes);
    await app.register(inboxWebRoutes);
    await app.register(categoryWebRoutes);
    mailOutGauge(app.platform);
  },
  jobs: (config) => [digestJob(config), replyMailJob(config), attachmentCleanupJob],
  schedules: [attachmentCleanupSchedule],
};
