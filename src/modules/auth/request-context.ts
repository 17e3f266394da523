import { revokeGrantsOfUser } from '../oauth/provider/grants.js';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../shared/errors.js';
import { recordAuthEvent } from './events.js';
import { burnVerifyTime, verifyPassword } from './passwords/hash.js';
import { normalizePassword } from './passwords/policy.js';
import { requestMeta, requireEnrollable } from './plugin.js';
import type { AuthContext, AuthDeps } from './service/deps.js';
import { throttledPasswordCheck } from './throttle.js';
import { findUserById } from '../users/repo.js';

/** Opens the transaction at the edge and gives the use case its context (who, from where). */
export async function inTransaction<T>(
  deps: AuthDeps,
  request: FastifyRequest,
  run: (ctx: AuthContext) => Promise<T>,
): Promise<T> {
  const meta = requestMeta(request);
  const failures: AuthContext['failures'] = [];
  try {
    return await deps.db.transaction().execute((trx) => run({ trx, meta, failures }));
  } catch (error) {
    if (failures.length > 0) {
      await deps.db.transaction().execute(async (trx) => {
        for (const f of failures) await recordAuthEvent(trx, f.type, meta, f.userId, f.details);
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
    await revokeGrantsOfUser(ctx.trx, session.userId);
    await recordAuthEvent(ctx.trx, 'logout', ctx.meta, session.userId);
  });
}

/**
 * Re-authentication: a correct password restarts the window in which security settings may change.
 * Wrong answers count on the account's sign-in back-off (429 while it runs), like wrong sign-ins.
 */
export async function confirmPassword(
  deps: AuthDeps,
  request: FastifyRequest,
  password: string,
): Promise<boolean> {
  const user = await findUserById(deps.db, requireEnrollable(request));
  if (!user) throw new AppError('unauthenticated');
  const hash = user.password_hash;
  const check = () =>
    hash ? verifyPassword(hash, normalizePassword(password)) : burnVerifyTime(password).then(() => false);
  if (!(await throttledPasswordCheck(deps, user.id, check))) return false;
  const session = request.session!;
  session.data = { ...session.data, authenticatedAt: new Date().toISOString() };
  await deps.sessions.touch(session.idHash, new Date(), session.data);
  return true;
}
