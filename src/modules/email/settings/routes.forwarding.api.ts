import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { needs } from '../../../identity/access.js';
import { auditActor } from '../../../identity/access-plugin.js';
import { authDeps } from '../../../identity/ports.js';
import { inTransaction } from '../../../identity/request-context.js';
import { notFound } from '../../../shared/errors.js';
import { forwardingStatus, generateForwardSecret, removeForwardSecret } from './forward-secret.js';

const manage = needs('mail:manage');
const tags = ['Email'];
const When = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);
const Status = Type.Object({
  endpoint: Type.String({ description: 'Where the worker posts raw mail' }),
  configured: Type.Boolean({
    description: 'MAIL_FORWARD_SECRET is set (it keeps working beside a stored one)',
  }),
  stored: Type.Boolean({ description: 'A secret generated here is stored (sealed)' }),
  updatedAt: When,
  previousValidUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'Until when the secret a rotation replaced is still taken',
  }),
});

/**
 * The forwarding secret by API (`mail:manage`), as on /admin/mail/forwarding: its state, a new or
 * rotated secret (answered once, never again readable), and removing it.
 */
export const forwardingApiRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { platform } = app;
  const deps = authDeps(platform);
  const status = async () => {
    const now = await forwardingStatus(deps.db, platform.config);
    return {
      endpoint: `${platform.config.PUBLIC_URL ?? ''}/api/v1/mail/inbound`,
      configured: now.configured,
      stored: now.stored !== null,
      updatedAt: now.stored?.updatedAt.toISOString() ?? null,
      previousValidUntil: now.stored?.previousUntil?.toISOString() ?? null,
    };
  };

  app.get(
    '/api/v1/mail/forwarding',
    {
      ...manage,
      schema: {
        tags,
        summary: 'The forwarding secret’s state (never the secret)',
        response: { 200: Status },
      },
    },
    async (_request, reply) => reply.header('cache-control', 'no-store').send(await status()),
  );

  app.post(
    '/api/v1/mail/forwarding/secret',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Generate the forwarding secret, or rotate it (the old one is taken 10 more minutes)',
        response: {
          201: Type.Object({
            secret: Type.String({
              description: 'Shown this once: put it in the worker’s MAIL_FORWARD_SECRET',
            }),
            previousValidUntil: When,
          }),
        },
      },
    },
    async (request, reply) => {
      const made = await inTransaction(deps, request, (ctx) =>
        generateForwardSecret(ctx, platform.config, auditActor(request)),
      );
      return reply
        .code(201)
        .header('cache-control', 'no-store')
        .send({ secret: made.secret, previousValidUntil: made.previousUntil?.toISOString() ?? null });
    },
  );

  app.delete(
    '/api/v1/mail/forwarding/secret',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Remove the stored forwarding secret at once',
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const removed = await inTransaction(deps, request, (ctx) =>
        removeForwardSecret(ctx, auditActor(request)),
      );
      if (!removed) throw notFound('No forwarding secret is stored.');
      return reply.code(204).send(null);
    },
  );
};
