import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { needs } from '../../../identity/access.js';
import { actingUser } from '../../../identity/access-plugin.js';
import { conflict, notFound } from '../../../shared/errors.js';
import { discardMail, releaseMail } from '../inbound/release.js';
import { sendRawMail } from '../original/raw-mail.js';
import { findInbound, listInbound } from './repo.js';

const manage = needs('mail:manage');
const tags = ['Email'];
const Id = Type.Object({ id: Type.String({ format: 'uuid' }) });
const STATES = ['pending', 'done', 'quarantined', 'discarded'] as const;

const Inbound = Type.Object({
  id: Type.String(),
  source: Type.String(),
  messageId: Type.Union([Type.String(), Type.Null()]),
  sender: Type.Union([Type.String(), Type.Null()]),
  subject: Type.Union([Type.String(), Type.Null()]),
  state: Type.String(),
  outcome: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  size: Type.Integer(),
  ticketId: Type.Union([Type.String(), Type.Null()]),
  receivedAt: Type.String({ format: 'date-time' }),
});

type Row = Awaited<ReturnType<typeof listInbound>>['items'][number];
const present = (r: Row) => ({
  id: r.id,
  source: r.source,
  messageId: r.message_id,
  sender: r.sender,
  subject: r.subject,
  state: r.state,
  outcome: r.outcome,
  reason: r.reason,
  size: r.size,
  ticketId: r.ticket_id,
  receivedAt: r.received_at.toISOString(),
});

/** The mail taken in and its quarantine, for mail administrators (`mail:manage`). */
export const quarantineApiRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.platform.database.db;
  app.get(
    '/api/v1/mail/messages',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Mail taken in, newest first (`state=quarantined` for the quarantine)',
        querystring: Type.Object({
          state: Type.Optional(Type.Union(STATES.map((s) => Type.Literal(s)))),
          before: Type.Optional(Type.String({ format: 'uuid' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
        }),
        response: {
          200: Type.Object({ items: Type.Array(Inbound), next: Type.Union([Type.String(), Type.Null()]) }),
        },
      },
    },
    async (request) => {
      const page = await listInbound(db, { ...request.query, limit: request.query.limit ?? 50 });
      return { items: page.items.map(present), next: page.next };
    },
  );

  app.get(
    '/api/v1/mail/messages/:id/raw',
    {
      ...manage,
      schema: { tags, summary: 'The original message, headers and all (message/rfc822)', params: Id },
    },
    async (request, reply) => {
      const row = await findInbound(db, request.params.id);
      if (!row) throw notFound();
      return sendRawMail(reply, row.id, row.raw);
    },
  );

  for (const action of ['release', 'discard'] as const)
    app.post(
      `/api/v1/mail/messages/:id/${action}`,
      {
        ...manage,
        schema: {
          tags,
          summary:
            action === 'release'
              ? 'Release a quarantined mail: it is appended (or opened) as if its checks had passed'
              : 'Discard a quarantined mail for good',
          params: Id,
          response: { 204: Type.Null() },
        },
      },
      async (request, reply) => {
        const by = { userId: actingUser(request).id, ip: request.ip, requestId: request.id };
        const done =
          action === 'release'
            ? await releaseMail(app.platform, request.params.id, by)
            : await discardMail(app.platform, request.params.id, by);
        if (!done) {
          if (!(await findInbound(db, request.params.id))) throw notFound();
          throw conflict('This mail is not in quarantine (any more).');
        }
        return reply.code(204).send(null);
      },
    );
};
