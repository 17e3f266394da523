import type { FastifyReply, FastifyRequest } from 'fastify';
import { cookieName, cookieOptions } from '../../identity/session-cookie.js';
import {
  SIGNUP_PROOF_COOKIE,
  SIGNUP_PROOF_MAX_AGE_SECONDS,
  signupProofCookieValue,
} from './tokens/signup-proof.js';

/**
 * Leaves the sign-up proof on the browser that signed up (see `tokens/signup-proof.ts`). Set after
 * every accepted sign-up, new address or taken, so the answers stay alike.
 */
export function setSignupProofCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  userId: string | undefined,
) {
  const { PUBLIC_URL, SECRET_KEY } = request.server.platform.config;
  reply.setCookie(cookieName(SIGNUP_PROOF_COOKIE, PUBLIC_URL), signupProofCookieValue(SECRET_KEY!, userId), {
    ...cookieOptions(PUBLIC_URL),
    maxAge: SIGNUP_PROOF_MAX_AGE_SECONDS,
  });
}

export function signupProofCookie(request: FastifyRequest): string | undefined {
  return request.cookies[cookieName(SIGNUP_PROOF_COOKIE, request.server.platform.config.PUBLIC_URL)];
}
