import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../shared/errors.js';
import { randomToken } from '../shared/random-token.js';
import { cookieName, cookieOptions } from './session-cookie.js';
import { PRESESSION_COOKIE } from './session-settings.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: the route authenticates its caller another way (provider webhooks). */
    csrf?: boolean;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Before sign-in a form's token is an HMAC of a random pre-session cookie, so login forms are protected too. */
export function preSessionToken(secretKey: string, preSessionId: string): string {
  return createHmac('sha256', hmacKey(secretKey)).update(`csrf:${preSessionId}`).digest('base64url');
}

/** The secret as a key object, made once: a string key is converted on every HMAC (a third of its cost). */
let lastKey: { secret: string; key: KeyObject } | undefined;
function hmacKey(secret: string): KeyObject {
  if (lastKey?.secret !== secret) lastKey = { secret, key: createSecretKey(Buffer.from(secret)) };
  return lastKey.key;
}

/** A pre-session cookie as this server makes them (randomToken): anything else is replaced. */
export const isPreSessionId = (value: string | undefined): value is string =>
  value !== undefined && /^[A-Za-z0-9_-]{43}$/.test(value);

/** The CSRF token for this visitor, setting the pre-session cookie when there is none yet. */
export function csrfTokenFor(request: FastifyRequest, reply: FastifyReply): string {
  if (request.session) return request.session.data.csrf as string;
  const { PUBLIC_URL, SECRET_KEY } = request.server.platform.config;
  const name = cookieName(PRESESSION_COOKIE, PUBLIC_URL);
  let preSession = request.cookies[name];
  if (!isPreSessionId(preSession)) {
    preSession = randomToken();
    reply.setCookie(name, preSession, cookieOptions(PUBLIC_URL));
    request.cookies[name] = preSession;
  }
  return preSessionToken(SECRET_KEY!, preSession);
}

/**
 * Cross-site request forgery defence for cookie-authenticated requests (OWASP CSRF Cheat Sheet):
 * 1. Fetch Metadata: a browser says where the request came from; anything but same-origin or a
 *    user-typed navigation is refused. Without it, Origin (when sent) must be ours.
 * 2. Synchronizer token: the form field `_csrf` or header `X-CSRF-Token` must equal the session's
 *    token (or, signed out, the pre-session token). Requests with a bearer token carry no
 *    cookies and are exempt.
 */
export async function verifyCsrf(request: FastifyRequest): Promise<void> {
  if (!UNSAFE.has(request.method) || request.routeOptions.config.csrf === false) return;
  if (request.headers.authorization?.startsWith('Bearer ')) return;
  const site = request.headers['sec-fetch-site'];
  const { PUBLIC_URL, SECRET_KEY } = request.server.platform.config;
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    throw new AppError('csrf_failed', 'Cross-site requests are not accepted.');
  }
  const origin = request.headers.origin;
  if (site === undefined && origin && origin !== new URL(PUBLIC_URL).origin) {
    throw new AppError('csrf_failed', 'Cross-site requests are not accepted.');
  }
  const given = csrfFromRequest(request);
  const preSession = request.cookies[cookieName(PRESESSION_COOKIE, PUBLIC_URL)];
  const expected = request.session
    ? (request.session.data.csrf as string)
    : preSession
      ? preSessionToken(SECRET_KEY!, preSession)
      : undefined;
  if (!given || !expected || !sameSecret(given, expected)) {
    throw new AppError('csrf_failed');
  }
}

function csrfFromRequest(request: FastifyRequest): string | undefined {
  const header = request.headers['x-csrf-token'];
  if (typeof header === 'string') return header;
  const body = request.body as Record<string, unknown> | undefined;
  return typeof body?._csrf === 'string' ? body._csrf : undefined;
}
