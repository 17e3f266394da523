import type { FeatureModule } from './module.js';
import { adminModule } from './admin/module.js';
import { authModule } from './auth/module.js';
import { rbacModule } from './rbac/module.js';
import { siteModule } from './site/module.js';

/** Every feature, in registration order. `serve` mounts their routes; `worker` runs their jobs. */
export const modules: readonly FeatureModule[] = [siteModule, authModule, rbacModule, adminModule];

export const allJobs = modules.flatMap((m) => m.jobs ?? []);
export const allSchedules = modules.flatMap((m) => m.schedules ?? []);
