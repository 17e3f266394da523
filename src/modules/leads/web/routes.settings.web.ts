import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { needs } from '../../../identity/access.js';
import { auditActor } from '../../../identity/access-plugin.js';
import { inTransaction } from '../../../identity/request-context.js';
import { FormBody, type FormState, formField, formText, handleForm, renderPage } from '../../../web/forms.js';
import { preparePage } from '../../../web/page-context.js';
import { leadDeps } from '../context.js';
import { DEFAULT_SERVICES, leadSettings } from '../settings.js';
import { changeLeadSettings } from '../settings-change.js';

const manage = needs('leads:manage');

/** `/admin/leads/settings`: the services the contact form offers, and where the team's mail goes. */
export const leadSettingsWebRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const deps = leadDeps(app.platform);

  async function page(request: FastifyRequest, reply: FastifyReply, state: FormState = {}, status = 200) {
    const settings = await leadSettings(deps.db);
    reply.header('cache-control', 'no-store');
    return renderPage(
      request,
      reply,
      'pages/leads/settings.njk',
      {
        active: 'leads',
        defaults: DEFAULT_SERVICES.join(', '),
        values: { services: settings.services.join('\n'), notifyEmail: settings.notifyEmail ?? '' },
        ...state,
      },
      status,
    );
  }

  app.get(
    '/admin/leads/settings',
    {
      ...manage,
      schema: { querystring: Type.Object({ done: Type.Optional(Type.String({ maxLength: 10 })) }) },
    },
    async (request, reply) => {
      const { t } = await preparePage(request, reply);
      const saved = request.query.done === 'saved';
      return page(request, reply, {
        messages: saved ? [{ type: 'success', text: t('leads:settings.saved') }] : [],
      });
    },
  );

  app.post('/admin/leads/settings', { ...manage, schema: { body: FormBody } }, async (request, reply) => {
    const values = {
      services: formText(request.body, 'services'),
      notifyEmail: formField(request.body, 'notifyEmail'),
    };
    return handleForm(
      request,
      reply,
      (state, status) => page(request, reply, state, status),
      { values },
      async () => {
        await inTransaction(deps, request, (ctx) => changeLeadSettings(ctx, auditActor(request), values));
        return reply.redirect('/admin/leads/settings?done=saved', 303);
      },
    );
  });
};
