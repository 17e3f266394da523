import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { needs } from '../../../identity/access.js';
import { notFound } from '../../../shared/errors.js';
import { renderPage } from '../../../web/forms.js';
import { preparePage } from '../../../web/page-context.js';
import { ticketKey } from '../../tickets/index.js';
import '../table.js';
import { sendRawMail, shownOriginal } from './raw-mail.js';

const READ = needs('tickets:read:any');
const Params = Type.Object({ id: Type.String({ format: 'uuid' }) });

/**
 * The mail a ticket message came from, headers and all, for the team: from the agent's thread
 * ("Original message") to see who really sent it, through which servers, with what results of
 * SPF/DKIM/DMARC. The team reads every ticket, so the mail is read as the system once the
 * reader's permission is checked (mail rows are otherwise for mail administrators).
 */
export const originalMailRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const system = app.platform.database.system;

  const mailOf = async (ticketMessageId: string) => {
    const row = await system
      .selectFrom('mail_inbound as m')
      .innerJoin('tickets as t', 't.id', 'm.ticket_id')
      .select(['m.id', 'm.raw', 'm.sender', 'm.subject', 'm.received_at', 'm.source', 't.number'])
      .where('m.ticket_message_id', '=', ticketMessageId)
      .executeTakeFirst();
    if (!row) throw notFound('This message did not come in by mail.');
    return row;
  };

  app.get('/inbox/messages/:id/original', { ...READ, schema: { params: Params } }, async (request, reply) => {
    const { when } = await preparePage(request, reply);
    const mail = await mailOf(request.params.id);
    return renderPage(request, reply, 'pages/mail/original.njk', {
      active: 'inbox',
      mail: {
        sender: mail.sender ?? '',
        subject: mail.subject ?? '',
        received: when(mail.received_at),
        source: mail.source,
        key: ticketKey(mail.number),
        ...shownOriginal(mail.raw),
        download: `/inbox/messages/${request.params.id}/original.eml`,
      },
    });
  });

  app.get(
    '/inbox/messages/:id/original.eml',
    { ...READ, schema: { params: Params } },
    async (request, reply) => {
      const mail = await mailOf(request.params.id);
      return sendRawMail(reply, mail.id, mail.raw);
    },
  );
};
