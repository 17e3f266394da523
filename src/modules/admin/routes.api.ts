import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PUBLIC } from '../../identity/access.js';
import { AppError } from '../../shared/errors.js';
import { requireOutboxAccess } from './access.js';
import { getOutboxMessage, listOutbox, type OutboxSummary } from './repo.js';
import { OutboxMessageBody, OutboxPage, OutboxParams, OutboxQuery } from './schemas.js';

const DEFAULT_LIMIT = 25;

const summary = (m: OutboxSummary) => ({
  id: m.id,
  channel: m.channel,
  recipient: m.recipient,
  subject: m.subject,
  createdAt: m.created_at.toISOString(),
});

export const adminApiRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.platform.database.db;
  // Before validation, so a stranger learns nothing from the parameters' error messages either.
  app.addHook('onRequest', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    await requireOutboxAccess(request);
  });

  app.get(
    '/api/v1/admin/outbox',
    {
      ...PUBLIC,
      schema: {
        tags: ['admin'],
        summary: 'Mail and texts kept in the dev outbox, newest first',
        querystring: OutboxQuery,
        response: { 200: OutboxPage },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? DEFAULT_LIMIT;
      const rows = await listOutbox(db, {
        limit,
        ...(request.query.channel ? { channel: request.query.channel } : {}),
        ...(request.query.cursor ? { before: request.query.cursor } : {}),
      });
      const page = rows.slice(0, limit);
      return {
        items: page.map(summary),
        nextCursor: rows.length > limit ? page[page.length - 1]!.id : null,
      };
    },
  );

  app.get(
    '/api/v1/admin/outbox/:id',
    {
      ...PUBLIC,
      schema: {
        tags: ['admin'],
        summary: 'One dev-outbox message with its text and HTML parts',
        params: OutboxParams,
        response: { 200: OutboxMessageBody },
      },
    },
    async (request) => {
      const message = await getOutboxMessage(db, request.params.id);
      if (!message) throw new AppError('not_found', 'No such message.');
      return { ...summary(message), bodyText: message.body_text, bodyHtml: message.body_html };
    },
  );
};
