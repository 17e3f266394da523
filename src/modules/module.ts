import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Config } from '../config.js';
import type { NavEntry } from '../identity/navigation.js';
import type { ProfileSection } from '../identity/profile-sections.js';
import type { PublicPageSource } from '../identity/public-pages.js';
import type { SignOutHook } from '../identity/sign-out-hooks.js';
import type { JobDefinition, ScheduleDefinition } from '../platform/jobs/define.js';

/** What a feature folder contributes to the running app: routes, and jobs for the worker. */
export interface FeatureModule {
  name: string;
  routes?: FastifyPluginAsyncTypebox;
  /** Background jobs; a function when they need settings (a secret, a period). */
  jobs?: readonly JobDefinition[] | ((config: Config) => readonly JobDefinition[]);
  /** Cron schedules; a function when they depend on settings (e.g. a retention period). */
  schedules?: readonly ScheduleDefinition[] | ((config: Config) => readonly ScheduleDefinition[]);
  /** Ends what this feature holds for a user whose access is withdrawn (sign-out, password change …). */
  onSignOut?: SignOutHook;
  /** Its pages in the app's navigation (header, admin section, user menu), by permission. */
  navigation?: readonly NavEntry[];
  /** Its pages search engines may list (the sitemap): public, for anyone, no token in them. */
  publicPages?: PublicPageSource;
  /** This feature's part of the account page. */
  profileSection?: ProfileSection;
  /**
   * Its templates folder when the feature lives outside src/modules (a test's fixture); a feature
   * under src/modules keeps its pages in its own `views/` and the view loader finds them.
   */
  views?: URL;
}
