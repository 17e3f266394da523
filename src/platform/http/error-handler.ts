import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../shared/errors.js';
import { translator } from '../i18n/catalog.js';
import { fromAcceptLanguage, LANGUAGE_COOKIE, type Locale, pickLocale } from '../i18n/locales.js';
import { brokenMultipart } from './multipart.js';
import { type Problem, toProblem } from './problem.js';

/** Browsers navigating to a page get HTML; API clients and everything under /api get problem+json. */
export function wantsHtml(request: FastifyRequest): boolean {
  if (request.url.startsWith('/api/') || request.url.startsWith('/oauth/')) return false;
  const accept = request.headers.accept ?? '';
  return accept.includes('text/html');
}

/**
 * The language of an error answer: the page's (profile, switch, browser) when the web layer made
 * one for this request, else the switch's cookie, else Accept-Language (API clients), else English.
 */
function requestLocale(request: FastifyRequest): Locale {
  const page = (request as FastifyRequest & { page?: { lang?: string } | null }).page;
  return pickLocale(
    page?.lang,
    request.cookies?.[LANGUAGE_COOKIE],
    fromAcceptLanguage(request.headers['accept-language']),
  );
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
  if (step && request.method === 'GET' && wantsHtml(request)) {
    // Signed out on the way to a page (a mail's ticket link): sign-in brings them back to it.
    const next = step === '/login' && request.url !== '/' ? `?next=${encodeURIComponent(request.url)}` : '';
    return reply.redirect(`${step}${next}`, 303);
  }
  const locale = requestLocale(request);
  const problem = toProblem(error, request.id, request.url.split('?')[0] ?? '/', translator(locale));
  reply.header('content-language', locale);
  if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
  else request.log.info({ code: problem.code, status: problem.status }, 'request refused');
  const headers = error instanceof AppError ? error.extras.headers : undefined;
  if (headers) reply.headers(headers);
  reply.code(problem.status);
  if (wantsHtml(request)) return sendPage(request, reply, problem);
  return reply.type('application/problem+json; charset=utf-8').send(problem);
}

/** Renders error.njk to a string (the view plugin would otherwise send it itself); plain HTML if it cannot. */
async function sendPage(
  request: FastifyRequest,
  reply: FastifyReply,
  problem: Problem,
): Promise<FastifyReply> {
  // The web layer's page context (language, navigation) when the request failed before it was made.
  const prepare = (
    request.server as { preparePage?: (q: FastifyRequest, r: FastifyReply) => Promise<unknown> }
  ).preparePage;
  await prepare?.(request, reply).catch(() => undefined);
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
