import type { FastifyReply, FastifyRequest } from 'fastify';
import { cookieName, cookieOptions } from './sessions/cookie.js';

const RETURN_TO_COOKIE = 'sb_return_to';
const TEN_MINUTES = 600;

/** A path on this site (`/x`), never another origin (`//evil.example`, `/\evil.example`, `https://…`). */
export const isLocalPath = (value: string): boolean =>
  value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\') && !/[\r\n]/.test(value);

/**
 * Remembers where to send the visitor once they are fully signed in (an app's sign-in request
 * waiting at /oauth/interaction/…): a cookie, so it survives the MFA step, a passkey or a magic
 * link opened in the same browser.
 */
export function rememberReturnTo(request: FastifyRequest, reply: FastifyReply, path: string): void {
  if (!isLocalPath(path)) return;
  const { PUBLIC_URL } = request.server.platform.config;
  reply.setCookie(cookieName(RETURN_TO_COOKIE, PUBLIC_URL), path, {
    ...cookieOptions(PUBLIC_URL),
    maxAge: TEN_MINUTES,
  });
}

/** Where to go after a completed sign-in: the remembered path (used once), or `fallback`. */
export function takeReturnTo(request: FastifyRequest, reply: FastifyReply, fallback = '/account'): string {
  const { PUBLIC_URL } = request.server.platform.config;
  const name = cookieName(RETURN_TO_COOKIE, PUBLIC_URL);
  const remembered = request.cookies[name];
  if (remembered === undefined) return fallback;
  reply.clearCookie(name, cookieOptions(PUBLIC_URL));
  return isLocalPath(remembered) ? remembered : fallback;
}
