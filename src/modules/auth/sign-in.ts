import type { FastifyReply, FastifyRequest } from 'fastify';
import { recordAuthEvent } from '../../identity/auth-events.js';
import type { AuthDeps } from '../../identity/context.js';
import { requestMeta, setSessionCookie } from '../../identity/session-plugin.js';
import { startSession } from '../../identity/session-service.js';
import { sessionSettings } from '../../identity/session-settings.js';
import type { UserRow } from '../../identity/users/repo.js';
import { type MfaState, mfaStateAfterFirstFactor } from './mfa/service.js';

export interface SignInResult {
  mfa: MfaState;
  csrfToken: string;
  /** Set when older sessions were ended to respect the per-user limit; shown to the user. */
  notice?: string;
}

/**
 * Replaces the visitor's session with a new one (new id at every sign-in and privilege change:
 * no session fixation). `mfa` says whether a second factor is still due; when omitted it is
 * worked out from the user's factors and role.
 */
export async function beginSession(
  deps: AuthDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  user: UserRow,
  method: string,
  mfa?: MfaState,
  data: Record<string, unknown> = {},
): Promise<SignInResult> {
  const state = mfa ?? (await mfaStateAfterFirstFactor(deps, user));
  const started = await startSession(
    deps.sessions,
    sessionSettings(deps.config),
    user.id,
    requestMeta(request),
    { ...data, method, mfa: state },
  );
  if (request.session) await deps.sessions.delete(request.session.idHash);
  setSessionCookie(request, reply, started);
  if (started.evicted.length > 0) {
    await deps.db.transaction().execute((trx) =>
      recordAuthEvent(trx, 'session_evicted', requestMeta(request), user.id, {
        count: started.evicted.length,
      }),
    );
  }
  return {
    mfa: state,
    csrfToken: started.record.data.csrf as string,
    ...(started.evicted.length > 0
      ? {
          notice: `You were signed in on too many devices: ${started.evicted.length} older session(s) were signed out.`,
        }
      : {}),
  };
}

/**
 * A factor was added: a privilege change, so the session gets a new id, and every other session of
 * the user ends (whoever else was signed in did so without the new factor). `data` goes into the
 * new session (the backup codes to download, see backup-codes-download.ts).
 */
export async function restartAfterFactorAdded(
  deps: AuthDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  user: UserRow,
  data: Record<string, unknown> = {},
): Promise<SignInResult> {
  const method = String(request.session?.data.method ?? 'password');
  const signedIn = await beginSession(deps, request, reply, user, method, 'done', data);
  await deps.sessions.deleteByUser(user.id, request.session!.idHash);
  return signedIn;
}
