import type { FastifyRequest } from 'fastify';
import type { AuthDeps } from '../../identity/context.js';
import { requireEnrollable } from '../../identity/session-plugin.js';
import { findUserById } from '../../identity/users/repo.js';
import { AppError } from '../../shared/errors.js';
import { burnVerifyTime, verifyPassword } from './passwords/hash.js';
import { normalizePassword } from './passwords/policy.js';
import { throttledPasswordCheck } from './throttle.js';

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
