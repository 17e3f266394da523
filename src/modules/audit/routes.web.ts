import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { needs } from '../../identity/access.js';
import { listAudit } from './repo.js';
import { toFilter } from './schemas.js';

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

const utc = (at: Date) => at.toISOString().slice(0, 19).replace('T', ' ');
const asDate = (value: string | undefined) =>
  value && !Number.isNaN(Date.parse(`${value}Z`)) ? `${value}Z` : undefined;

export const auditWebRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/admin/audit',
    { ...needs('audit:read'), schema: { querystring: PageQuery } },
    async (request, reply) => {
      const q = request.query;
      const outcome = ['success', 'failure', 'denied'].includes(q.outcome ?? '')
        ? (q.outcome as 'success')
        : undefined;
      const from = asDate(q.from);
      const to = asDate(q.to);
      const error =
        (q.from && !from) || (q.to && !to)
          ? 'Enter dates as shown by the date picker.'
          : q.before && !/^\d{1,18}$/.test(q.before)
            ? 'Bad page link.'
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
      const query = kept.size > 0 ? `&${kept}` : '';
      reply.header('cache-control', 'no-store');
      return reply.viewAsync('pages/admin/audit.njk', {
        filters: q,
        error,
        query,
        entries: page.map((r) => ({
          when: utc(r.occurred_at),
          actor: r.actor_id ? `${r.actor_type} ${r.actor_id.slice(0, 8)}` : r.actor_type,
          action: r.action,
          target: r.target_id ? `${r.target_type} ${r.target_id.slice(0, 8)}` : '',
          outcome: r.outcome,
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
