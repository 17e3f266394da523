import type { Config } from '../config.js';
import { registerNavigation } from '../identity/navigation.js';
import { registerProfileSection } from '../identity/profile-sections.js';
import { registerPublicPages } from '../identity/public-pages.js';
import { registerSignOutHook } from '../identity/sign-out-hooks.js';
import type { JobDefinition, ScheduleDefinition } from '../platform/jobs/define.js';
import { adminModule } from './admin/index.js';
import { auditModule } from './audit/index.js';
import { authModule } from './auth/index.js';
import { emailModule } from './email/index.js';
import { leadsModule } from './leads/index.js';
import type { FeatureModule } from './module.js';
import { oauthModule } from './oauth/index.js';
import { rbacModule } from './rbac/index.js';
import { siteModule } from './site/index.js';
import { smsModule } from './sms/index.js';
import { ticketsModule } from './tickets/index.js';

/** Every feature, in registration order. `serve` mounts their routes; `worker` runs their jobs. */
export const modules: readonly FeatureModule[] = [
  siteModule,
  authModule,
  rbacModule,
  adminModule,
  auditModule,
  oauthModule,
  ticketsModule,
  emailModule,
  smsModule,
  leadsModule,
];

for (const module of modules) {
  if (module.onSignOut) registerSignOutHook(module.onSignOut);
  if (module.profileSection) registerProfileSection(module.profileSection);
  if (module.navigation) registerNavigation(module.navigation);
  if (module.publicPages) registerPublicPages(module.publicPages);
}

export const jobsFor = (config: Config): JobDefinition[] =>
  modules.flatMap((m) => (typeof m.jobs === 'function' ? m.jobs(config) : (m.jobs ?? [])));
export const schedulesFor = (config: Config): ScheduleDefinition[] =>
  modules.flatMap((m) => (typeof m.schedules === 'function' ? m.schedules(config) : (m.schedules ?? [])));
