import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { runUnprotected } from '../platform/db/actor-context.js';
import type { SessionRecord } from '../platform/sessions/port.js';
import { AppError } from '../shared/errors.js';
import type { RequestMeta } from './auth-events.js';
import { verifyCsrf } from './csrf.js';
import { cookieName, cookieOptions } from './session-cookie.js';
import { resolveSession, type StartedSession } from './session-service.js';
import { SESSION_COOKIE, sessionSettings } from './session-settings.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in session, when the request carries a live session cookie. */
    session: SessionRecord | null;
  }
}

const SKIP = ['/static/', '/health', '/metrics'];
/** The sign-out routes: their answer tells the browser to forget this site's data. */
const SIGN_OUT = new Set(['/logout', '/api/v1/auth/logout']);
/** W3C Clear-Site-Data §3.1: drop cached pages, cookies and storage left by the signed-in user. */
const CLEAR_SITE_DATA = '"cache", "cookies", "storage"';

/**
 * Reads the session cookie on every request (except static files and probes) and checks CSRF on
 * every unsafe one, after the body is parsed so form fields can carry the token.
 */
export const authPlugin = fp(
  async (app: FastifyInstance) => {
    const { config, sessions } = app.platform;
    const settings = sessionSettings(config);
    const name = cookieName(SESSION_COOKIE, config.PUBLIC_URL);
    await app.register(cookie);
    app.decorateRequest('session', null);
    app.addHook('onRequest', async (request) => {
      if (SKIP.some((prefix) => request.url.startsWith(prefix))) return;
      const id = request.cookies[name];
      // Sessions are not under row-level security: any free connection will do, unstamped.
      if (id) request.session = (await runUnprotected(() => resolveSession(sessions, settings, id))) ?? null;
    });
    app.addHook('preHandler', verifyCsrf);
    app.addHook('onSend', (request, reply, payload, done) => {
      // An answer for a signed-in visitor, a bearer, or one that sets a cookie (a sign-in) is
      // nobody else's: no shared or browser cache may keep it (RFC 9111 §5.2.2.5, OWASP ASVS 5.0 V14.3.2).
      if (request.session || request.headers.authorization || reply.hasHeader('set-cookie'))
        reply.header('cache-control', 'no-store');
      if (request.method === 'POST' && SIGN_OUT.has(request.routeOptions.url ?? ''))
        reply.header('clear-site-data', CLEAR_SITE_DATA);
      done(null, payload);
    });
  },
  { name: 'auth', dependencies: [] },
);

export function requestMeta(request: FastifyRequest): RequestMeta {
  return {
    ip: request.ip,
    userAgent: request.headers['user-agent']?.slice(0, 512) ?? null,
    requestId: request.id,
  };
}

export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  started: StartedSession,
): void {
  const { config } = request.server.platform;
  reply.setCookie(cookieName(SESSION_COOKIE, config.PUBLIC_URL), started.id, {
    ...cookieOptions(config.PUBLIC_URL),
    maxAge: config.SESSION_ABSOLUTE_HOURS * 3600,
  });
  request.session = started.record;
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  const { config } = request.server.platform;
  reply.clearCookie(cookieName(SESSION_COOKIE, config.PUBLIC_URL), cookieOptions(config.PUBLIC_URL));
  request.session = null;
}

/** The fully signed-in user's id: 401 when signed out or a second factor is still due. */
export function requireUserId(request: FastifyRequest): string {
  // Through an access token on a `tokenReadable` route (the access check allowed it).
  if (request.tokenPrincipal?.user) return request.tokenPrincipal.user.id;
  const session = request.session;
  if (!session) throw new AppError('unauthenticated');
  if (session.data.mfa === 'pending') throw new AppError('mfa_required');
  if (session.data.mfa === 'enroll') throw new AppError('mfa_enrollment_required');
  return session.userId;
}

/** A session waiting for its second factor (the MFA challenge routes). */
export function requirePendingMfa(request: FastifyRequest): string {
  if (request.session?.data.mfa !== 'pending')
    throw new AppError('unauthenticated', 'Sign in with your password or a link first.');
  return request.session.userId;
}

/** Signed in, or signed in but obliged to enrol a factor first (the enrolment routes). */
export function requireEnrollable(request: FastifyRequest): string {
  const mfa = request.session?.data.mfa;
  if (!request.session || mfa === 'pending') throw new AppError('unauthenticated');
  return request.session.userId;
}

/** Changing factors needs a sign-in or re-authentication within the last ten minutes (ASVS 5.0 V6.2.3). */
export const REAUTH_WINDOW_MS = 10 * 60_000;
/** When this session last proved who it is (sign-in or password confirmation), in ms; NaN if never. */
export const signedInAt = (request: FastifyRequest): number =>
  Date.parse(String(request.session?.data.authenticatedAt ?? ''));

/** Whether that was within the re-authentication window. */
export const hasRecentAuth = (request: FastifyRequest): boolean =>
  Date.now() - signedInAt(request) < REAUTH_WINDOW_MS;

export function requireRecentAuth(request: FastifyRequest): void {
  if (!hasRecentAuth(request)) throw new AppError('reauth_required');
}
