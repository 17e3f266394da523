import type { FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import { requireAccess } from '../rbac/plugin.js';

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

/** The outbox holds sign-in links: administrators only, except on an open development instance. */
export async function requireOutboxAccess(request: FastifyRequest): Promise<void> {
  if (outboxIsOpen(request.server.platform.config)) return;
  await requireAccess(request, { permission: 'outbox:read' });
}
