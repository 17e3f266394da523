import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { needs } from '../../../identity/access.js';
import { renderPage } from '../../../web/forms.js';
import { preparePage } from '../../../web/page-context.js';
import { sendLeadsCsv } from '../csv-reply.js';
import { listLeads } from '../repo.js';
import { filterOf, LeadQuery, PAGE_SIZE } from '../schemas.js';
import { activeHolders, OWNER_PERMISSIONS } from '../settings.js';
import { STAGES } from '../table.js';

/** The list's address with these filters and page (empty ones left out). */
const listUrl = (path: string, query: LeadQuery, page?: number) => {
  const params = new URLSearchParams();
  for (const key of ['stage', 'owner', 'q'] as const) if (query[key]) params.set(key, query[key]!);
  if (page && page > 1) params.set('page', String(page));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
};

/** `/admin/leads`: the leads, newest first, filtered by stage, owner and text, 25 a page; and their CSV. */
export const leadListWebRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.platform.database.db;

  const ListQuery = Type.Object({
    ...LeadQuery.properties,
    done: Type.Optional(Type.String({ maxLength: 10 })),
  });
  app.get(
    '/admin/leads',
    { ...needs('leads:read'), schema: { querystring: ListQuery } },
    async (request, reply) => {
      const { t, date } = await preparePage(request, reply);
      const query = request.query;
      const page = query.page ?? 1;
      const [{ items, total }, owners] = await Promise.all([
        listLeads(db, filterOf(query), { offset: (page - 1) * PAGE_SIZE, limit: PAGE_SIZE }),
        activeHolders(db, OWNER_PERMISSIONS),
      ]);
      const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
      reply.header('cache-control', 'no-store');
      return renderPage(request, reply, 'pages/leads/list.njk', {
        active: 'leads',
        messages: query.done === 'deleted' ? [{ type: 'success', text: t('leads:list.deleted') }] : [],
        leads: items.map((l) => ({ ...l, created: date(l.created_at, 'datetime') })),
        query: { stage: query.stage ?? '', owner: query.owner ?? '', q: query.q ?? '' },
        stages: [
          { value: '', label: t('leads:list.anyStage') },
          ...STAGES.map((s) => ({ value: s, label: t(`leads:stages.${s}`) })),
        ],
        owners: [
          { value: '', label: t('leads:list.anyOwner') },
          { value: 'none', label: t('leads:list.noOwner') },
          ...owners.map((o) => ({ value: o.id, label: o.display_name })),
        ],
        info: t('leads:list.count', { count: total, page, pages }),
        prev: page > 1 ? listUrl('/admin/leads', query, page - 1) : null,
        next: page < pages ? listUrl('/admin/leads', query, page + 1) : null,
        exportUrl: listUrl('/admin/leads/export.csv', query),
      });
    },
  );

  app.get(
    '/admin/leads/export.csv',
    { ...needs('leads:read'), schema: { querystring: LeadQuery } },
    (request, reply) => sendLeadsCsv(request, reply, filterOf(request.query)),
  );
};
