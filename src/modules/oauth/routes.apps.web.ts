import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { SIGNED_IN } from '../../identity/access.js';
import { authDeps } from '../../identity/ports.js';
import { inTransaction } from '../../identity/request-context.js';
import { requireUserId } from '../../identity/session-plugin.js';
import { FormBody, renderPage } from '../../web/forms.js';
import { preparePage } from '../../web/page-context.js';
import { type AuthorisedApp, listAuthorisedApps, revokeAuthorisedApp } from './apps.js';
import { ClientIdParams } from './clients/schemas.js';
import { scopeMessageKey } from './scopes.js';

const AuthorisedAppSchema = Type.Object({
  clientId: Type.String(),
  name: Type.String(),
  scopes: Type.Array(Type.String()),
  grantedAt: Type.String({ format: 'date-time' }),
});
const present = (app: AuthorisedApp) => ({ ...app, grantedAt: app.grantedAt.toISOString() });

/** The apps a user has let act for them, as JSON and as the "Connected apps" page, with revocation. */
export const authorisedAppRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const deps = authDeps(app.platform);

  app.get(
    '/api/v1/me/apps',
    {
      ...SIGNED_IN,
      schema: {
        tags: ['oauth'],
        summary: 'Apps I have authorised to use my account',
        response: { 200: Type.Object({ items: Type.Array(AuthorisedAppSchema) }) },
      },
    },
    async (request) => ({ items: (await listAuthorisedApps(deps.db, requireUserId(request))).map(present) }),
  );

  app.delete(
    '/api/v1/me/apps/:clientId',
    {
      ...SIGNED_IN,
      schema: {
        tags: ['oauth'],
        summary: 'Withdraw an app’s access (its refresh tokens stop working at once)',
        params: ClientIdParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const userId = requireUserId(request);
      await inTransaction(deps, request, (ctx) => revokeAuthorisedApp(ctx, userId, request.params.clientId));
      return reply.code(204).send(null);
    },
  );

  const page = async (userId: string) => ({
    apps: (await listAuthorisedApps(deps.db, userId)).map((a) => ({
      ...a,
      scopes: a.scopes.map((name) => ({ name, key: scopeMessageKey(name) })),
    })),
  });

  app.get('/account/apps', SIGNED_IN, async (request, reply) =>
    renderPage(request, reply, 'pages/oauth/apps.njk', await page(requireUserId(request))),
  );

  app.post(
    '/account/apps/:clientId/revoke',
    { ...SIGNED_IN, schema: { params: ClientIdParams, body: FormBody } },
    async (request, reply) => {
      const userId = requireUserId(request);
      const apps = await listAuthorisedApps(deps.db, userId);
      const target = apps.find((a) => a.clientId === request.params.clientId);
      if (target)
        await inTransaction(deps, request, (ctx) => revokeAuthorisedApp(ctx, userId, target.clientId));
      const t = (await preparePage(request, reply)).t;
      return renderPage(request, reply, 'pages/oauth/apps.njk', {
        ...(await page(userId)),
        messages: [
          target
            ? { type: 'success', text: t('oauth:connected.revoked', { name: target.name }) }
            : { type: 'info', text: t('oauth:connected.already') },
        ],
      });
    },
  );
};
