import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SIGNED_IN } from '../../../identity/access.js';
import { authDeps } from '../../../identity/ports.js';
import { inTransaction } from '../../../identity/request-context.js';
import { FormBody } from '../../../web/forms.js';
import { accountAction, accountPage } from '../../auth/index.js';
import { notificationChoices } from './choices.js';
import { savePreferences } from './preferences.js';

/** The account page's form for which ticket notifications someone gets by mail. */
export const notificationPreferenceWebRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const deps = authDeps(app.platform);

  app.post('/account/notifications', { ...SIGNED_IN, schema: { body: FormBody } }, (request, reply) =>
    accountAction(request, reply, {}, async (user) => {
      // A checkbox left unticked is absent from the form: every kind the form showed is set.
      const form = request.body as Record<string, unknown>;
      const shown = (await notificationChoices(request, user)).map((c) => c.kind);
      const changes = Object.fromEntries(shown.map((kind) => [kind, form[kind] === 'on']));
      await inTransaction(deps, request, (ctx) => savePreferences(ctx.trx, user.id, changes));
      return accountPage(request, reply, user, {
        messages: [{ type: 'success', text: request.page!.t('tickets:notifications.saved') }],
      });
    }),
  );
};
