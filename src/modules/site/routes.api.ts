import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { PUBLIC } from '../../identity/access.js';
import { APP_VERSION } from '../../version.js';
import { getInstanceInfo } from './service.js';

const InstanceInfo = Type.Object(
  {
    name: Type.String({ description: 'Display name of this Switchboard instance' }),
    version: Type.String({ description: 'Switchboard release' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  {
    $id: 'InstanceInfo',
    examples: [{ name: 'Switchboard', version: '0.1.0', updatedAt: '2026-11-24T10:00:00.000Z' }],
  },
);

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
