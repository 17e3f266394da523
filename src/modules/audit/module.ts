import type { Config } from '../../config.js';
import { rememberProcessSecret } from '../../platform/secrets/process-secret.js';
import type { FeatureModule } from '../module.js';
import {
  auditCheckpointJob,
  auditCheckpointSchedule,
  auditRetentionJob,
  auditRetentionSchedule,
} from './retention.js';
import { auditApiRoutes } from './routes.api.js';
import { auditWebRoutes } from './routes.web.js';

/** Every writer keys the chain with SECRET_KEY: the app and the worker learn it as they are assembled. */
const knowSecret = (config: Config) => {
  if (config.SECRET_KEY) rememberProcessSecret(config.SECRET_KEY);
};

/** The tamper-evident audit log: viewer, export, nightly retention. Writers call recordAudit(). */
export const auditModule: FeatureModule = {
  name: 'audit',
  navigation: [
    {
      key: 'audit',
      href: '/admin/audit',
      label: 'audit:nav.audit',
      description: 'audit:nav.auditAbout',
      area: 'admin',
      permissions: ['audit:read'],
      order: 60,
    },
  ],
  async routes(app) {
    knowSecret(app.platform.config);
    await app.register(auditApiRoutes);
    await app.register(auditWebRoutes);
  },
  jobs: (config) => {
    knowSecret(config);
    return [auditRetentionJob, auditCheckpointJob];
  },
  schedules: (config) => [auditRetentionSchedule(config.AUDIT_RETENTION_DAYS), auditCheckpointSchedule],
};
