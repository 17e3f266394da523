import type { FastifyRequest } from 'fastify';
import { effectivePermissions } from '../../identity/role-graph.js';
import { findUserSummaryById } from '../../identity/users/repo.js';
import { runAsDbActor } from '../../platform/db/actor-context.js';
import { AppError } from '../../shared/errors.js';
import { seesAll, type TicketActor } from './policy.js';

const READ = ['tickets:read:own', 'tickets:read:any'];

/**
 * A stream outlives the request that opened it, so what that request was allowed is asked again
 * before every batch and heartbeat, the way the access check would ask it now: the session or
 * access token still live (not signed out, revoked or expired), the account still active, and its
 * roles (and the token's scopes) still granting what the stream shows. The user row is read
 * afresh, not from the cache, so a demotion committed before a change is seen before that change
 * is sent. Returns false once the stream must end; a reconnect is then checked like any request.
 */
export function streamStillAllowed(request: FastifyRequest, actor: TicketActor): () => Promise<boolean> {
  const app = request.server;
  const { db } = app.platform.database;
  const sawAll = seesAll(actor);
  const header = request.headers.authorization;
  const token = request.tokenPrincipal && header ? header.slice(7).trim() : undefined;
  const session = request.session;

  async function permissionsNow(): Promise<Set<string> | undefined> {
    if (token !== undefined) {
      try {
        return (await app.bearerTokens.principalOf(token, await app.roleGraph.get())).permissions;
      } catch (error) {
        if (error instanceof AppError) return undefined;
        throw error;
      }
    }
    if (!session) return undefined;
    const live = await app.platform.sessions.get(session.idHash);
    if (live?.userId !== session.userId || live.data.mfa === 'pending' || live.data.mfa === 'enroll')
      return undefined;
    const user = await findUserSummaryById(db, session.userId);
    if (user?.status !== 'active') return undefined;
    return effectivePermissions(await app.roleGraph.get(), user.roles);
  }

  return () =>
    runAsDbActor({ context: 'system' }, async () => {
      const permissions = await permissionsNow();
      if (!permissions || !READ.some((p) => permissions.has(p))) return false;
      // A stream opened with every ticket in view ends when that is no longer so (an agent made a
      // customer): reopened, it shows only what the caller may see now.
      return !sawAll || permissions.has('tickets:read:any');
    });
}
