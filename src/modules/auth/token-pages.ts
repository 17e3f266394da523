import type { FastifyReply } from 'fastify';

/**
 * Pages and answers whose URL carries a one-time token: no Referer header leaks it to another site
 * (W3C Referrer Policy, `no-referrer`), and neither the browser nor a proxy stores the page
 * (RFC 9111 §5.2.2.5 `no-store`; OWASP WSTG-ATHN-06).
 */
export function tokenPageHeaders(reply: FastifyReply): void {
  reply.header('referrer-policy', 'no-referrer');
  reply.header('cache-control', 'no-store');
}
