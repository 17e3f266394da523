import type { FastifyReply, FastifyRequest } from 'fastify';
import { navigationFor } from './navigation.js';
import { effectivePermissions } from './role-graph.js';
import { cookieName, cookieOptions } from './session-cookie.js';

const RETURN_TO_COOKIE = 'sb_return_to';
/** Long enough to sign up, confirm the address by mail and set up a second factor on the way. */
const THIRTY_MINUTES = 1800;

/** A control character, a space or DEL (code points 0-32 and 127), or a backslash. */
const unsafeChar = (c: string): boolean => c.charCodeAt(0) <= 0x20 || c === '\x7f' || c === '\\';

/**
 * A same-origin path (`/x?y#z`) made from `value`, or undefined when it is anything else. Browsers
 * drop tabs and newlines from URLs and read `\` as `/`, so `/\t/evil.example` or `/\evil.example`
 * would leave the site (OWASP Unvalidated Redirects Cheat Sheet): any control character, space or
 * backslash is refused outright, then the value is resolved the way a browser would and kept only
 * when it stays on `origin`. The result is the parser's own serialisation, never the raw input.
 */
export function localPath(value: string, origin: string): string | undefined {
  if (!value.startsWith('/') || value.startsWith('//') || [...value].some(unsafeChar)) return undefined;
  let url: URL;
  try {
    url = new URL(value, origin);
  } catch {
    return undefined;
  }
  if (url.origin !== new URL(origin).origin) return undefined;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // `/%2F%2Fevil` stays encoded in a URL, but a path that starts with `//` is another host.
  return path.startsWith('//') ? undefined : path;
}

/**
 * Remembers where to send the visitor once they are fully signed in (a ticket a mail linked to, an
 * app's sign-in request waiting at /oauth/interaction/…): a cookie, so it survives the MFA step, a
 * passkey, a magic link or an email confirmation opened in the same browser.
 */
export function rememberReturnTo(request: FastifyRequest, reply: FastifyReply, path: string): void {
  const { PUBLIC_URL } = request.server.platform.config;
  const local = localPath(path, PUBLIC_URL);
  if (local === undefined) return;
  reply.setCookie(cookieName(RETURN_TO_COOKIE, PUBLIC_URL), local, {
    ...cookieOptions(PUBLIC_URL),
    maxAge: THIRTY_MINUTES,
  });
}

/** The landing page of someone with these roles: the inbox for agents, My tickets for customers … */
export async function homeFor(request: FastifyRequest, roles: readonly string[]): Promise<string> {
  return navigationFor(effectivePermissions(await request.server.roleGraph.get(), roles)).home;
}

/**
 * Where to go after a completed sign-in: the remembered path (used once), or the home of `user`'s
 * roles (of the signed-in viewer when no user is named).
 */
export async function takeReturnTo(
  request: FastifyRequest,
  reply: FastifyReply,
  user?: { roles: readonly string[] },
): Promise<string> {
  const { PUBLIC_URL } = request.server.platform.config;
  const name = cookieName(RETURN_TO_COOKIE, PUBLIC_URL);
  const remembered = request.cookies[name];
  if (remembered !== undefined) {
    reply.clearCookie(name, cookieOptions(PUBLIC_URL));
    const local = localPath(remembered, PUBLIC_URL);
    if (local !== undefined) return local;
  }
  if (user) return homeFor(request, user.roles);
  return request.page?.nav.home ?? '/account';
}
