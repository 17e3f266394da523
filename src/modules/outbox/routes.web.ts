import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { AppError } from '../../shared/errors.js';
import { findUserById } from '../users/repo.js';
import { getOutboxMessage, listOutbox } from './repo.js';

const PAGE_SIZE = 50;

/**
 * The dev outbox is open on a development or test instance (like a local mail catcher), and
 * limited to administrators in production, where it holds sign-in links.
 */
async function guard(request: FastifyRequest): Promise<void> {
  const { config, database } = request.server.platform;
  if (config.NODE_ENV !== 'production') return;
  const session = request.session;
  if (session?.data.mfa !== 'done') throw new AppError('unauthenticated');
  const user = await findUserById(database.db, session.userId);
  if (!user?.roles.includes('admin')) throw new AppError('forbidden');
}

const cursorOf = (row: { created_at: Date; id: string }) =>
  Buffer.from(`${row.created_at.toISOString()}|${row.id}`).toString('base64url');
function parseCursor(cursor: string | undefined): { createdAt: Date; id: string } | undefined {
  if (!cursor) return undefined;
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const createdAt = new Date(at ?? '');
  if (Number.isNaN(createdAt.getTime()) || !/^[0-9a-f-]{36}$/.test(id ?? ''))
    throw new AppError('bad_request', 'Invalid cursor.');
  return { createdAt, id: id! };
}

export const outboxWebRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.platform.database.db;
  app.get(
    '/admin/outbox',
    { schema: { querystring: Type.Object({ before: Type.Optional(Type.String({ maxLength: 200 })) }) } },
    async (request, reply) => {
      await guard(request);
      const rows = await listOutbox(db, {
        limit: PAGE_SIZE,
        ...(request.query.before ? { before: parseCursor(request.query.before)! } : {}),
      });
      const page = rows.slice(0, PAGE_SIZE);
      const next =
        rows.length > PAGE_SIZE ? `/admin/outbox?before=${cursorOf(page[page.length - 1]!)}` : null;
      return reply.view('pages/outbox/list.njk', {
        messages: page.map((m) => ({
          ...m,
          when: m.created_at.toISOString().slice(0, 19).replace('T', ' '),
        })),
        next,
      });
    },
  );
  app.get(
    '/admin/outbox/:id',
    { schema: { params: Type.Object({ id: Type.String({ format: 'uuid' }) }) } },
    async (request, reply) => {
      await guard(request);
      const message = await getOutboxMessage(db, request.params.id);
      if (!message) throw new AppError('not_found', 'No such message.');
      return reply.view('pages/outbox/message.njk', { message });
    },
  );
};
