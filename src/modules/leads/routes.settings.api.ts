import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { needs } from '../../identity/access.js';
import { auditActor } from '../../identity/access-plugin.js';
import { inTransaction } from '../../identity/request-context.js';
import { leadDeps } from './context.js';
import { leadSettings } from './settings.js';
import { changeLeadSettings } from './settings-change.js';

const manage = needs('leads:manage');
const Settings = Type.Object({
  services: Type.Array(Type.String(), {
    description: 'What the form offers, in order (empty: the defaults)',
  }),
  notifyEmail: Type.Union([Type.String(), Type.Null()], {
    description: 'Where new leads are mailed (null: each active user who may manage leads)',
  }),
});

/** The contact form's settings as JSON (`leads:manage`), as on /admin/leads/settings. */
export const leadSettingsApiRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const deps = leadDeps(app.platform);
  const tags = ['leads'];

  app.get(
    '/api/v1/leads/settings',
    {
      ...manage,
      schema: { tags, summary: 'The contact form’s services and team address', response: { 200: Settings } },
    },
    () => leadSettings(deps.db),
  );

  app.put(
    '/api/v1/leads/settings',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Set the services the form offers and where new leads are mailed; audited',
        body: Type.Object(
          {
            services: Type.Array(Type.String({ maxLength: 200 }), { maxItems: 50 }),
            notifyEmail: Type.Union([Type.String({ maxLength: 320 }), Type.Null()]),
          },
          { examples: [{ services: ['Repair', 'Support contract'], notifyEmail: 'sales@example.com' }] },
        ),
        response: { 200: Settings },
      },
    },
    async (request) => {
      await inTransaction(deps, request, (ctx) =>
        changeLeadSettings(ctx, auditActor(request), {
          services: request.body.services.join('\n'),
          notifyEmail: request.body.notifyEmail ?? '',
        }),
      );
      return leadSettings(deps.db);
    },
  );
};
