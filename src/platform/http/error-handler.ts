import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../shared/errors.js';
import { brokenMultipart } from './multipart.js';
import { type Problem, toProblem } from './problem.js';

/** Browsers navigating to a page get HTML; API clients and everything under /api get problem+json. */
export function wantsHtml(request: FastifyRequest): boolean {
  if (request.url.startsWith('/api/') || request.url.startsWith('/oauth/')) return false;
  const accept = request.headers.accept ?? '';
  return accept.includes('text/html');
}

/** A browser asking for a page it may not see yet is sent where it can continue, not shown an error. */
const SIGN_IN_STEP: Record<string, string> = {
  unauthenticated: '/login',
  mfa_required: '/mfa',
  mfa_enrollment_required: '/account/security',
};

async function send(request: FastifyRequest, reply: FastifyReply, thrown: unknown): Promise<FastifyReply> {
  const error = brokenMultipart(request, thrown) ?? thrown;
  const step = error instanceof AppError ? SIGN_IN_STEP[error.code] : undefined;
  if (step && request.method === 'GET' && wantsHtml(request)) return reply.redirect(step, 303);
  const problem = toProblem(error, request.id, request.url.split('?')[0] ?? '/');
  if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
  else request.log.info({ code: problem.code, status: problem.status }, 'request refused');
  const headers = error instanceof AppError ? error.extras.headers : undefined;
  if (headers) reply.headers(headers);
  reply.code(problem.status);
  if (wantsHtml(request)) return sendPage(reply, problem);
  return reply.type('application/problem+json; charset=utf-8').send(problem);
}

/** Renders error.njk to a string (the view plugin would otherwise send it itself); plain HTML if it cannot. */
async function sendPage(reply: FastifyReply, problem: Problem): Promise<FastifyReply> {
  const render = (reply as FastifyReply & { viewAsync?: (t: string, d: object) => Promise<string> })
    .viewAsync;
  const html = await render?.call(reply, 'error.njk', { problem }).catch(() => undefined);
  return reply
    .type('text/html; charset=utf-8')
    .send(html ?? `<!doctype html><title>${problem.status}</title><h1>${problem.title}</h1>`);
}

export const errorHandlerPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((error, request, reply) => send(request, reply, error));
    app.setNotFoundHandler((request, reply) => send(request, reply, new AppError('not_found')));
  },
  { name: 'error-handler' },
);
