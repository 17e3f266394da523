import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { PUBLIC } from '../../identity/access.js';
import { AppError } from '../../shared/errors.js';
import { preparePage } from '../../web/page-context.js';
import { requireOutboxAccess } from './access.js';
import { MAIL_FRAME_SANDBOX, mailFrameHeaders, withTopLevelLinks } from './mail-frame.js';
import { getOutboxMessage, listOutbox } from './repo.js';
import { OutboxParams } from './schemas.js';

const PAGE_SIZE = 50;

/** Admin panel pages. Untagged, so they stay out of the OpenAPI document. */
export const adminWebRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.platform.database.db;
  app.addHook('onRequest', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    await requireOutboxAccess(request);
  });

  app.get(
    '/admin/outbox',
    {
      ...PUBLIC,
      schema: { querystring: Type.Object({ before: Type.Optional(Type.String({ format: 'uuid' })) }) },
    },
    async (request, reply) => {
      const { before } = request.query;
      const rows = await listOutbox(db, { limit: PAGE_SIZE, ...(before ? { before } : {}) });
      const page = rows.slice(0, PAGE_SIZE);
      const { t, when } = await preparePage(request, reply);
      return reply.viewAsync('pages/admin/outbox-list.njk', {
        messages: page.map((m) => ({
          href: `/admin/outbox/${m.id}`,
          subject: m.subject ?? t('admin:outbox.textMessage'),
          channel: m.channel === 'email' ? t('admin:outbox.email') : t('admin:outbox.text'),
          recipient: m.recipient,
          when: when(m.created_at),
        })),
        newest: before ? '/admin/outbox' : null,
        older: rows.length > PAGE_SIZE ? `/admin/outbox?before=${page[page.length - 1]!.id}` : null,
      });
    },
  );

  app.get('/admin/outbox/:id', { ...PUBLIC, schema: { params: OutboxParams } }, async (request, reply) => {
    const message = await getOutboxMessage(db, request.params.id);
    if (!message) throw new AppError('not_found', 'No such message.');
    await preparePage(request, reply);
    return reply.viewAsync('pages/admin/outbox-message.njk', {
      message,
      lines: message.body_text.split('\n').map(linkify),
      sandbox: MAIL_FRAME_SANDBOX,
    });
  });

  app.get(
    '/admin/outbox/:id/html',
    { ...PUBLIC, schema: { params: OutboxParams } },
    async (request, reply) => {
      const message = await getOutboxMessage(db, request.params.id);
      if (!message?.body_html) throw new AppError('not_found', 'This message has no HTML part.');
      return reply.headers(mailFrameHeaders).send(withTopLevelLinks(message.body_html));
    },
  );
};

/** Splits a text line into words and links, so the template can make links clickable and escape the rest. */
function linkify(line: string): { text: string; href?: string }[] {
  return line.split(/(https?:\/\/\S+)/).flatMap((part, i) => {
    if (part === '') return [];
    return i % 2 === 1 ? [{ text: part, href: part }] : [{ text: part }];
  });
}
