import type { Config } from '../config.js';
import type { JobDefinition, ScheduleDefinition } from '../platform/jobs/define.js';
import type { FeatureModule } from './module.js';
import { adminModule } from './admin/module.js';
import { auditModule } from './audit/module.js';
import { oauthModule } from './oauth/module.js';
import { authModule } from './auth/module.js';
import { rbacModule } from './rbac/module.js';
import { siteModule } from './site/module.js';
import { ticketsModule } from './tickets/module.js';

/** Every feature, in registration order. `serve` mounts their routes; `worker` runs their jobs. */
export const modules: readonly FeatureModule[] = [
  siteModule,
  authModule,
  rbacModule,
  adminModule,
  auditModule,
  oauthModule,
  ticketsModule,
];

export const jobsFor = (config: Config): JobDefinition[] =>
  modules.flatMap((m) => (typeof m.jobs === 'function' ? m.jobs(config) : (m.jobs ?? [])));
export const schedulesFor = (config: Config): ScheduleDefinition[] =>
  modules.flatMap((m) => (typeof m.schedules === 'function' ? m.schedules(config) : (m.schedules ?? [])));
