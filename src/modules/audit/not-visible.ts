import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { auditActor } from '../../identity/access-plugin.js';
import { recordAudit } from '../../platform/audit/record.js';
import { AppError } from '../../shared/errors.js';

/**
 * An onError hook for routes that address one record by id: when a signed-in caller is told "not
 * found" (someone else's record looks exactly like a missing one), the answer stays 404 but the
 * probe leaves a trace, `record.not_visible` (denied) naming the route's record type and id. It is
 * written in a transaction of its own, so it survives the rollback of the request's, and a failure
 * to write it is logged, never turned into another answer.
 */
export async function recordNotVisible(
  request: FastifyRequest,
  _reply: FastifyReply,
  error: FastifyError | Error,
): Promise<void> {
  if (!(error instanceof AppError) || error.code !== 'not_found' || !request.actor) return;
  const target = addressedRecord(request);
  if (!target) return;
  try {
    await request.server.platform.database.db.transaction().execute((trx) =>
      recordAudit(trx, {
        actor: auditActor(request),
        action: 'record.not_visible',
        target,
        outcome: 'denied',
        ip: request.ip,
        userAgent: request.headers['user-agent']?.slice(0, 512) ?? null,
        requestId: request.id,
        details: { method: request.method, route: request.routeOptions.url ?? null },
      }),
    );
  } catch (failure) {
    request.log.warn({ err: failure }, 'could not record a not-visible record in the audit log');
  }
}

/** The route's first parameter and the path segment naming it: `/api/v1/tickets/:id/…` → tickets. */
function addressedRecord(request: FastifyRequest): { type: string; id: string } | undefined {
  const segments = (request.routeOptions.url ?? '').split('/');
  const at = segments.findIndex((s) => s.startsWith(':'));
  const name = segments[at]?.slice(1);
  const id = name ? (request.params as Record<string, unknown> | undefined)?.[name] : undefined;
  if (at < 1 || typeof id !== 'string') return undefined;
  return { type: segments[at - 1] || 'record', id: id.slice(0, 200) };
}
