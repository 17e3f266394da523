import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { auditActor } from '../../identity/access-plugin.js';
import { requestMeta } from '../../identity/session-plugin.js';
import { recordAudit } from '../../platform/audit/record.js';
import { leadsCsv } from './csv.js';
import { allLeads, type LeadFilter } from './repo.js';

/**
 * Answers the matching leads as a CSV download (the page's Export and the API's), after logging
 * who took them: an export carries personal data out of the app.
 */
export async function sendLeadsCsv(request: FastifyRequest, reply: FastifyReply, filter: LeadFilter) {
  const db = request.server.platform.database.db;
  const meta = requestMeta(request);
  await db.transaction().execute((trx) =>
    recordAudit(trx, {
      actor: auditActor(request),
      action: 'lead.exported',
      outcome: 'success',
      ip: meta.ip,
      userAgent: meta.userAgent,
      requestId: request.id,
      details: { filter },
    }),
  );
  const stamp = new Date().toISOString().slice(0, 10);
  return reply
    .header('content-disposition', `attachment; filename="leads-${stamp}.csv"`)
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .type('text/csv; charset=utf-8')
    .send(Readable.from(leadsCsv(allLeads(db, filter))));
}
