import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import nunjucks from 'nunjucks';
import Type from 'typebox';
import { needs } from '../../identity/access.js';
import { preparePage } from '../../web/page-context.js';
import { listAudit } from './repo.js';
import { toFilter } from './schemas.js';
import { asDate } from './wall-clock.js';

const PAGE = 50;
const text = Type.Optional(Type.String({ maxLength: 100 }));
/** The page reads its filters leniently: a bad value becomes a message on the page, not an error page. */
const PageQuery = Type.Object({
  actor: text,
  action: text,
  targetId: text,
  outcome: text,
  from: text,
  to: text,
  before: text,
});

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export const auditWebRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/admin/audit',
    { ...needs('audit:read'), schema: { querystring: PageQuery } },
    async (request, reply) => {
      const q = request.query;
      const { t, date, timeZone } = await preparePage(request, reply);
      /** The exact time in the viewer's zone; the full date and zone on hover. */
      const exactly = (at: Date) =>
        new nunjucks.runtime.SafeString(
          `<time datetime="${at.toISOString()}" title="${escapeHtml(date(at, 'long'))}">${escapeHtml(date(at, 'datetime'))}</time>`,
        );
      const outcome = ['success', 'failure', 'denied'].includes(q.outcome ?? '')
        ? (q.outcome as 'success')
        : undefined;
      const from = asDate(q.from, timeZone);
      const to = asDate(q.to, timeZone);
      const error =
        (q.from && !from) || (q.to && !to)
          ? t('audit:page.badDate')
          : q.before && !/^\d{1,18}$/.test(q.before)
            ? t('audit:page.badPage')
            : undefined;
      const filter = toFilter({
        ...(q.actor ? { actor: q.actor } : {}),
        ...(q.action && /^[a-z_.:*-]+$/.test(q.action) ? { action: q.action } : {}),
        ...(q.targetId ? { targetId: q.targetId } : {}),
        ...(outcome ? { outcome } : {}),
        ...(from ? { from } : {}),
        ...(to ? { to } : {}),
      });
      const before = q.before && /^\d{1,18}$/.test(q.before) ? Number(q.before) : undefined;
      const rows = await listAudit(app.platform.database.db, filter, PAGE, before);
      const page = rows.slice(0, PAGE);
      const kept = new URLSearchParams(
        Object.entries({
          actor: q.actor,
          action: q.action,
          targetId: q.targetId,
          outcome,
          from: q.from,
          to: q.to,
        }).filter((e): e is [string, string] => Boolean(e[1])),
      );
      // The export is the API, which takes instants: the filters' times as the viewer meant them.
      const exported = new URLSearchParams(
        [...kept]
          .map(([k, v]) => [k, k === 'from' ? from : k === 'to' ? to : v])
          .filter((e): e is [string, string] => Boolean(e[1])),
      );
      const query = exported.size > 0 ? `&${exported}` : '';
      reply.header('cache-control', 'no-store');
      return reply.viewAsync('pages/admin/audit.njk', {
        filters: q,
        error,
        query,
        entries: page.map((r) => ({
          when: exactly(r.occurred_at),
          actor: r.actor_id ? `${r.actor_type} ${r.actor_id.slice(0, 8)}` : r.actor_type,
          action: r.action,
          target: r.target_id ? `${r.target_type} ${r.target_id.slice(0, 8)}` : '',
          outcome: t(`audit:outcomes.${r.outcome}`),
          ip: r.ip ?? '',
          requestId: r.request_id?.slice(0, 8) ?? '',
        })),
        newest: before ? `/admin/audit?${kept}` : null,
        older:
          rows.length > PAGE
            ? `/admin/audit?${new URLSearchParams([...kept, ['before', String(page[page.length - 1]!.id)]])}`
            : null,
      });
    },
  );
};
