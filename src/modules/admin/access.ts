import type { FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import { requireUserId } from '../auth/plugin.js';
import { findUserById, type UserRow } from '../users/repo.js';
import { AppError } from '../../shared/errors.js';

const LOOPBACK = /^(localhost|[\w-]+\.localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/**
 * Open without signing in only on a development instance that is reached on loopback (a laptop),
 * like a local mail catcher: that is what lets a newcomer follow the first sign-up link. NODE_ENV
 * alone is not trusted because it defaults to `development`, and a forgotten setting on a public
 * server must not publish everybody's sign-in links.
 */
export function outboxIsOpen(config: Pick<Config, 'NODE_ENV' | 'PUBLIC_URL'>): boolean {
  return config.NODE_ENV !== 'production' && LOOPBACK.test(new URL(config.PUBLIC_URL).hostname);
}

/**
 * Interim admin-panel guard until the rbac module brings permissions: a fully signed-in (second
 * factor done), active user holding the `admin` role. 401 when signed out, 403 otherwise.
 */
export async function requireAdmin(request: FastifyRequest): Promise<UserRow> {
  const userId = requireUserId(request);
  const user = await findUserById(request.server.platform.database.db, userId);
  if (user?.status !== 'active' || !user.roles.includes('admin')) throw new AppError('forbidden');
  return user;
}

/** The outbox holds sign-in links: administrators only, except on an open development instance. */
export async function requireOutboxAccess(request: FastifyRequest): Promise<void> {
  if (outboxIsOpen(request.server.platform.config)) return;
  await requireAdmin(request);
}
