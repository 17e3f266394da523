import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { needs } from '../../../identity/access.js';
import { auditActor } from '../../../identity/access-plugin.js';
import { authDeps } from '../../../identity/ports.js';
import { inTransaction } from '../../../identity/request-context.js';
import { FormBody, type FormState, renderPage } from '../../../web/forms.js';
import { preparePage } from '../../../web/page-context.js';
import {
  FORWARD_GRACE_SECONDS,
  forwardingStatus,
  generateForwardSecret,
  removeForwardSecret,
} from './forward-secret.js';

const manage = needs('mail:manage');
const Query = Type.Object({ done: Type.Optional(Type.String({ maxLength: 20 })) });

/**
 * `/admin/mail/forwarding`: the secret a forwarding worker (docs/email-worker.js) signs mail with.
 * Generated here, sealed in the database and shown once, right after; a rotation keeps the old one
 * for a grace period. MAIL_FORWARD_SECRET from the settings keeps working beside it.
 */
export const forwardingWebRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { platform } = app;
  const deps = authDeps(platform);

  async function page(request: FastifyRequest, reply: FastifyReply, state: FormState = {}) {
    const { date } = await preparePage(request, reply);
    const status = await forwardingStatus(deps.db, platform.config);
    // The page may carry a secret: never kept by the browser or anything in between.
    reply.header('cache-control', 'no-store');
    return renderPage(request, reply, 'pages/mail/forwarding.njk', {
      configured: status.configured,
      stored: status.stored
        ? {
            updated: date(status.stored.updatedAt, 'datetime'),
            previousUntil: status.stored.previousUntil ? date(status.stored.previousUntil, 'time') : null,
          }
        : null,
      endpoint: `${platform.config.PUBLIC_URL ?? ''}/api/v1/mail/inbound`,
      graceMinutes: FORWARD_GRACE_SECONDS / 60,
      ...state,
    });
  }

  app.get('/admin/mail/forwarding', { ...manage, schema: { querystring: Query } }, async (request, reply) => {
    const { t } = await preparePage(request, reply);
    const removed = request.query.done === 'removed';
    return page(request, reply, {
      messages: removed ? [{ type: 'success', text: t('email:forwarding.removed') }] : [],
    });
  });

  // The answer to the post shows the new secret: reloading it asks before posting again, and a
  // second post makes another secret rather than showing this one twice.
  app.post('/admin/mail/forwarding', { ...manage, schema: { body: FormBody } }, async (request, reply) => {
    const { t } = await preparePage(request, reply);
    const { secret } = await inTransaction(deps, request, (ctx) =>
      generateForwardSecret(ctx, platform.config, auditActor(request)),
    );
    return page(request, reply, {
      secret,
      messages: [{ type: 'success', text: t('email:forwarding.generated') }],
    });
  });

  app.post(
    '/admin/mail/forwarding/remove',
    { ...manage, schema: { body: FormBody } },
    async (request, reply) => {
      await inTransaction(deps, request, (ctx) => removeForwardSecret(ctx, auditActor(request)));
      return reply.redirect('/admin/mail/forwarding?done=removed', 303);
    },
  );
};
