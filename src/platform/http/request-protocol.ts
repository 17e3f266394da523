import type { IncomingMessage } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';

/** Whether the hop `i` from the socket's peer at `address` may set X-Forwarded-* headers. */
export type TrustProxy = (address: string, i: number) => boolean;

/**
 * The trust function Fastify builds from its `trustProxy` option (`fastify/lib/request.js`), for
 * answers given before Fastify sees the request: the same option must mean the same thing there.
 * A hop count cannot vouch for the immediate peer, so Fastify trusts no one with it, and neither
 * does this.
 */
export function trustProxyFunction(option: boolean | number | string[]): TrustProxy {
  if (option === true) return () => true;
  if (option === false || typeof option === 'number') return () => false;
  return proxyAddr.compile(option);
}

/** `http` or `https`, as Fastify's `request.protocol` says it for this request and trust. */
export function requestProtocol(request: IncomingMessage, trusted: TrustProxy): string {
  const socket = request.socket;
  const forwarded = request.headers['x-forwarded-proto'];
  if (
    typeof forwarded === 'string' &&
    forwarded &&
    socket?.remoteAddress &&
    trusted(socket.remoteAddress, 0)
  ) {
    // The last proxy's word, as Fastify takes it.
    const last = forwarded.lastIndexOf(',');
    return last === -1 ? forwarded.trim() : forwarded.slice(last + 1).trim();
  }
  return (socket as { encrypted?: boolean } | null)?.encrypted ? 'https' : 'http';
}
