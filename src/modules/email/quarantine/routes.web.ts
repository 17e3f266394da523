import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { needs } from '../../../identity/access.js';
import { actingUser } from '../../../identity/access-plugin.js';
import { FormBody, renderPage } from '../../../web/forms.js';
import { preparePage } from '../../../web/page-context.js';
import { discardMail, releaseMail } from '../inbound/release.js';
import { shownOriginal } from '../original/raw-mail.js';
import { findInbound, listInbound } from './repo.js';

const manage = needs('mail:manage');
const PAGE = 25;
const VIEWS = ['quarantined', 'all'] as const;
const DONE = ['released', 'discarded', 'gone'] as const;
const Id = Type.Object({ id: Type.String({ format: 'uuid' }) });
const ListQuery = Type.Object({
  view: Type.Optional(Type.String({ maxLength: 20 })),
  before: Type.Optional(Type.String({ maxLength: 40 })),
  done: Type.Optional(Type.String({ maxLength: 20 })),
});
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `/admin/mail`: the mail the channel took in, the quarantine first (mail that failed a check:
 * a stranger writing into a ticket, a forged sender, a storm), each with why, the original
 * message, and release or discard (both asked to confirm).
 */
export const quarantineWebRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.platform.database.db;

  app.get('/admin/mail', { ...manage, schema: { querystring: ListQuery } }, async (request, reply) => {
    const { t, when } = await preparePage(request, reply);
    const view = VIEWS.find((v) => v === request.query.view) ?? 'quarantined';
    const before = UUID.test(request.query.before ?? '') ? request.query.before : undefined;
    const page = await listInbound(db, {
      state: view === 'all' ? undefined : 'quarantined',
      before,
      limit: PAGE,
    });
    const done = DONE.find((d) => d === request.query.done);
    return renderPage(request, reply, 'pages/mail/admin.njk', {
      view,
      views: VIEWS.map((v) => ({
        value: v,
        label: t(`email:admin.views.${v}`),
        href: `/admin/mail?view=${v}`,
      })),
      mails: page.items.map((m) => ({
        id: m.id,
        sender: m.sender ?? '',
        subject: m.subject ?? '',
        state: m.state,
        stateLabel: t(`email:states.${m.state}`),
        why: m.reason ? t(`email:reasons.${m.reason}`, { defaultValue: m.reason }) : '',
        outcome: m.outcome ? t(`email:outcomes.${m.outcome}`, { defaultValue: m.outcome }) : '',
        received: when(m.received_at),
      })),
      first: before ? `/admin/mail?view=${view}` : null,
      next: page.next ? `/admin/mail?${new URLSearchParams({ view, before: page.next })}` : null,
      messages: done
        ? [{ type: done === 'gone' ? 'error' : 'success', text: t(`email:admin.done.${done}`) }]
        : [],
    });
  });

  app.get('/admin/mail/:id', { ...manage, schema: { params: Id } }, async (request, reply) => {
    const { t, when } = await preparePage(request, reply);
    const mail = await findInbound(db, request.params.id);
    if (!mail) return reply.redirect('/admin/mail?done=gone', 303);
    const ticket = mail.ticket_id
      ? await db.selectFrom('tickets').select('number').where('id', '=', mail.ticket_id).executeTakeFirst()
      : undefined;
    return renderPage(request, reply, 'pages/mail/message.njk', {
      mail: {
        id: mail.id,
        sender: mail.sender ?? mail.envelope_from ?? '',
        subject: mail.subject ?? '',
        state: mail.state,
        stateLabel: t(`email:states.${mail.state}`),
        why: mail.reason ? t(`email:reasons.${mail.reason}`, { defaultValue: mail.reason }) : '',
        outcome: mail.outcome ? t(`email:outcomes.${mail.outcome}`, { defaultValue: mail.outcome }) : '',
        source: mail.source,
        remoteIp: mail.remote_ip ?? '',
        received: when(mail.received_at),
        ticketKey: ticket ? `SB-${ticket.number}` : null,
        quarantined: mail.state === 'quarantined',
        ...shownOriginal(mail.raw),
      },
    });
  });

  for (const action of ['release', 'discard'] as const)
    app.post(
      `/admin/mail/:id/${action}`,
      { ...manage, schema: { params: Id, body: FormBody } },
      async (request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
        const by = { userId: actingUser(request).id, ip: request.ip, requestId: request.id };
        const done =
          action === 'release'
            ? await releaseMail(app.platform, request.params.id, by)
            : await discardMail(app.platform, request.params.id, by);
        const what = done ? (action === 'release' ? 'released' : 'discarded') : 'gone';
        return reply.redirect(`/admin/mail?done=${what}`, 303);
      },
    );
};
