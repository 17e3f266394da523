import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Whether the browser's `If-None-Match` names this tag: `*`, or any tag of its list compared
 * weakly (RFC 9110 §13.1.2: a GET compares weakly, so `W/"x"` matches `"x"`).
 */
export function matchesTag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => bare(tag) === bare(etag));
}

/**
 * Sends a text answer that is the same for everyone (robots.txt, the sitemap) with a tag of its
 * content, so a crawler or proxy that asks again gets `304` and no body while nothing changed.
 */
export function sendCacheable(
  request: FastifyRequest,
  reply: FastifyReply,
  answer: { type: string; body: string; cacheControl: string },
): FastifyReply {
  const etag = `"${createHash('sha256').update(answer.body).digest('base64url').slice(0, 22)}"`;
  reply.header('etag', etag).header('cache-control', answer.cacheControl);
  if (matchesTag(request.headers['if-none-match'], etag)) return reply.code(304).send();
  return reply.type(answer.type).send(answer.body);
}
