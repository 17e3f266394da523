import { createStorage } from '../../platform/storage/index.js';
import type { FeatureModule } from '../module.js';
import { attachmentCleanupJob, attachmentCleanupSchedule } from './attachments/cleanup.js';
import { attachmentApiRoutes } from './attachments/routes.api.js';
import { digestJob } from './notifications/digest.js';
import { notificationPreferenceRoutes } from './notifications/routes.js';
import { ticketApiRoutes } from './routes.api.js';
import { ticketExtrasApiRoutes } from './routes.extras.api.js';
import { ticketStreamRoutes } from './routes.stream.js';
import { inboxWebRoutes } from './web/inbox/routes.js';
import { portalWebRoutes } from './web/portal/plugin.js';

/** Tickets and conversations. So far: the model, its JSON API and the database wall around it. */
export const ticketsModule: FeatureModule = {
  name: 'tickets',
  async routes(app) {
    await app.register(ticketApiRoutes);
    await app.register(ticketExtrasApiRoutes);
    await app.register(ticketStreamRoutes);
    await app.register(attachmentApiRoutes);
    await app.register(notificationPreferenceRoutes);
    await app.register(portalWebRoutes);
    await app.register(inboxWebRoutes);
  },
  jobs: (config) => [digestJob(config), attachmentCleanupJob(createStorage(config))],
  schedules: (config) => [attachmentCleanupSchedule(createStorage(config))],
};
