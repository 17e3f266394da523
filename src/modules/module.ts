import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { JobDefinition, ScheduleDefinition } from '../platform/jobs/define.js';

/** What a feature folder contributes to the running app: routes, and jobs for the worker. */
export interface FeatureModule {
  name: string;
  routes?: FastifyPluginAsyncTypebox;
  jobs?: readonly JobDefinition[];
  schedules?: readonly ScheduleDefinition[];
}
