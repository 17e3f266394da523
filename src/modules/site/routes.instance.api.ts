import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PUBLIC } from '../../identity/access.js';
import { APP_VERSION } from '../../version.js';
import { InstanceInfo } from './schemas.js';
import { getInstanceInfo } from './service.js';

export const siteApiRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/v1/instance',
    {
      ...PUBLIC,
      schema: { tags: ['system'], summary: 'Instance name and version', response: { 200: InstanceInfo } },
    },
    async () => getInstanceInfo(app.platform.database.db, APP_VERSION),
  );
};
