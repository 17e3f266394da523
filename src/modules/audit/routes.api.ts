import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { needs } from '../../identity/access.js';
import { auditActor } from '../../identity/access-plugin.js';
import { requestMeta } from '../../identity/session-plugin.js';
import { recordAudit } from '../../platform/audit/record.js';
import { CSV_HEADER, csvLine, presentAudit } from './present.js';
import { listAudit, streamAudit } from './repo.js';
import { AuditFilterQuery, AuditItem, AuditListQuery, toFilter } from './schemas.js';

const tags = ['admin'];

export const auditApiRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.platform.database.db;

  app.get(
    '/api/v1/admin/audit',
    {
      ...needs('audit:read'),
      schema: {
        tags,
        summary: 'Search the audit log, newest first',
        querystring: AuditListQuery,
        response: {
          200: Type.Object({
            items: Type.Array(AuditItem),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 50;
      const cursor = request.query.cursor ? Number(request.query.cursor) : undefined;
      const rows = await listAudit(db, toFilter(request.query), limit, cursor);
      const page = rows.slice(0, limit);
      return {
        items: page.map(presentAudit),
        nextCursor: rows.length > limit ? String(page[page.length - 1]!.id) : null,
      };
    },
  );

  app.get(
    '/api/v1/admin/audit/export',
    {
      ...needs('audit:read'),
      schema: {
        tags,
        summary: 'Download every matching entry as CSV or JSON (the export itself is logged)',
        querystring: Type.Object({
          ...AuditFilterQuery.properties,
          format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('json')], { default: 'csv' })),
        }),
      },
    },
    async (request, reply) => {
      const { format = 'csv', ...filters } = request.query;
      const filter = toFilter(filters);
      const meta = requestMeta(request);
      await db.transaction().execute((trx) =>
        recordAudit(trx, {
          actor: auditActor(request),
          action: 'audit.export',
          outcome: 'success',
          ip: meta.ip,
          userAgent: meta.userAgent,
          requestId: request.id,
          details: { format, filters },
        }),
      );
      const stamp = new Date().toISOString().slice(0, 10);
      reply
        .header('content-disposition', `attachment; filename="audit-${stamp}.${format}"`)
        .header('cache-control', 'no-store');
      if (format === 'json') {
        reply.type('application/json; charset=utf-8');
        return reply.send(Readable.from(jsonArray(streamAudit(db, filter))));
      }
      reply.type('text/csv; charset=utf-8');
      return reply.send(Readable.from(csv(streamAudit(db, filter))));
    },
  );
};

async function* csv(rows: AsyncIterable<Parameters<typeof csvLine>[0]>): AsyncGenerator<string> {
  yield CSV_HEADER;
  for await (const row of rows) yield csvLine(row);
}

async function* jsonArray(rows: AsyncIterable<Parameters<typeof presentAudit>[0]>): AsyncGenerator<string> {
  let first = true;
  yield '[';
  for await (const row of rows) {
    yield `${first ? '' : ','}\n${JSON.stringify(presentAudit(row))}`;
    first = false;
  }
  yield '\n]\n';
}
