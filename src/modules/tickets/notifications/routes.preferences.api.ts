import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { SIGNED_IN } from '../../../identity/access.js';
import { authDeps } from '../../../identity/ports.js';
import { inTransaction } from '../../../identity/request-context.js';
import { requireUserId } from '../../../identity/session-plugin.js';
import { KINDS, preferencesOf, savePreferences } from './preferences.js';

const tags = ['tickets'];
const Email = Type.Object(
  {
    ticket_created: Type.Boolean({ description: KINDS.ticket_created.label }),
    agent_reply: Type.Boolean({ description: KINDS.agent_reply.label }),
    status_changed: Type.Boolean({ description: KINDS.status_changed.label }),
    customer_reply: Type.Boolean({ description: KINDS.customer_reply.label }),
    ticket_assigned: Type.Boolean({ description: KINDS.ticket_assigned.label }),
  },
  { additionalProperties: false },
);
const Preferences = Type.Object({ email: Email }, { examples: [{ email: { agent_reply: true } }] });
const PreferencesChange = Type.Object(
  { email: Type.Partial(Email) },
  { additionalProperties: false, examples: [{ email: { status_changed: false } }] },
);

/** Which ticket notifications someone gets by mail, as JSON for apps (the account page's form: routes.preferences.web.ts). */
export const notificationPreferenceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const deps = authDeps(app.platform);

  app.get(
    '/api/v1/me/notification-preferences',
    {
      config: { access: 'signed-in', tokenReadable: true },
      schema: {
        tags,
        summary: 'Which ticket notifications I get by mail (all on until switched off)',
        response: { 200: Preferences },
      },
    },
    async (request) => ({ email: await preferencesOf(deps.db, requireUserId(request)) }),
  );

  app.put(
    '/api/v1/me/notification-preferences',
    {
      ...SIGNED_IN,
      schema: {
        tags,
        summary: 'Switch ticket notifications on or off; kinds left out keep their setting',
        body: PreferencesChange,
        response: { 200: Preferences },
      },
    },
    async (request) => {
      const userId = requireUserId(request);
      const email = await inTransaction(deps, request, (ctx) =>
        savePreferences(ctx.trx, userId, request.body.email),
      );
      return { email };
    },
  );
};
