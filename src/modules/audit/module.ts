import type { FeatureModule } from '../module.js';
import { auditRetentionJob, auditRetentionSchedule } from './retention.js';
import { auditApiRoutes } from './routes.api.js';
import { auditWebRoutes } from './routes.web.js';

/** The tamper-evident audit log: viewer, export, nightly retention. Writers call recordAudit(). */
export const auditModule: FeatureModule = {
  name: 'audit',
  async routes(app) {
    await app.register(auditApiRoutes);
    await app.register(auditWebRoutes);
  },
  jobs: [auditRetentionJob],
  schedules: (config) => [auditRetentionSchedule(config.AUDIT_RETENTION_DAYS)],
};
