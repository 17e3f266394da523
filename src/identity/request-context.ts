import type { FastifyRequest } from 'fastify';
import { recordAuthEvent } from './auth-events.js';
import type { AuthContext, AuthDeps } from './context.js';
import { requestMeta } from './session-plugin.js';
import { runSignOutHooks } from './sign-out-hooks.js';

/** Opens the transaction at the edge and gives the use case its context (who, from where). */
export async function inTransaction<T>(
  deps: AuthDeps,
  request: FastifyRequest,
  run: (ctx: AuthContext) => Promise<T>,
): Promise<T> {
  const meta = requestMeta(request);
  const failures: AuthContext['failures'] = [];
  const afterRefusal: NonNullable<AuthContext['afterRefusal']> = [];
  try {
    return await deps.db.transaction().execute((trx) => run({ trx, meta, failures, afterRefusal }));
  } catch (error) {
    if (failures.length > 0 || afterRefusal.length > 0) {
      await deps.db.transaction().execute(async (trx) => {
        for (const f of failures) await recordAuthEvent(trx, f.type, meta, f.userId, f.details);
        for (const work of afterRefusal) await work(trx);
      });
    }
    throw error;
  }
}

/** Ends the request's session server-side (the cookie alone is worthless afterwards). */
export async function endCurrentSession(deps: AuthDeps, request: FastifyRequest): Promise<void> {
  const session = request.session;
  if (!session) return;
  await deps.sessions.delete(session.idHash);
  await inTransaction(deps, request, async (ctx) => {
    // Signing out also withdraws what this person granted to apps (their refresh tokens).
    await runSignOutHooks(ctx.trx, session.userId, 'signed_out');
    await recordAuthEvent(ctx.trx, 'logout', ctx.meta, session.userId);
  });
}
