import { isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import { requireAccess } from '../../identity/access-plugin.js';

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

/** 127.0.0.0/8, ::1, and IPv4 loopback written as IPv6 (`::ffff:127.x.x.x`, a dual-stack socket). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address || isIP(address) === 0) return false;
  const v4 = address.toLowerCase().replace(/^::ffff:/, '');
  return v4 === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/**
 * On an open instance, the request itself must come from this machine too:
 * - the socket's peer is loopback, so a server bound to 0.0.0.0 does not serve it to the network;
 *   and the client address Fastify settled on (a trusted proxy's X-Forwarded-For) is loopback as
 *   well, so a proxy on the same machine does not vouch for the whole internet;
 * - the Host header names PUBLIC_URL's host and port exactly, so a DNS-rebinding page (a hostile
 *   name resolved to 127.0.0.1, whose Host is that name) cannot read it from the visitor's browser.
 */
export function outboxOpenTo(request: FastifyRequest): boolean {
  const { config } = request.server.platform;
  if (!outboxIsOpen(config)) return false;
  const peer = request.raw.socket?.remoteAddress;
  if (!isLoopbackAddress(peer) || !isLoopbackAddress(request.ip)) return false;
  return request.headers.host?.toLowerCase() === new URL(config.PUBLIC_URL).host;
}

/** The outbox holds sign-in links: administrators only, except to this machine on an open instance. */
export async function requireOutboxAccess(request: FastifyRequest): Promise<void> {
  if (outboxOpenTo(request)) return;
  await requireAccess(request, { permission: 'outbox:read' });
}
