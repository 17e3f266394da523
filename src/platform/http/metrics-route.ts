import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../shared/errors.js';
import type { Metrics } from '../metrics/registry.js';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Prometheus scrape endpoint; bearer-protected when METRICS_TOKEN is set. */
export async function metricsRoute(
  app: FastifyInstance,
  options: { metrics: Metrics; token?: string },
): Promise<void> {
  app.get(
    '/metrics',
    { logLevel: 'silent', config: { metrics: false, access: 'public' as const }, schema: { hide: true } },
    async (request, reply) => {
      if (options.token) {
        const given = request.headers.authorization?.replace(/^Bearer /, '') ?? '';
        if (!sameSecret(given, options.token))
          throw new AppError('unauthenticated', 'A valid metrics token is required.');
      }
      reply.type(options.metrics.registry.contentType);
      return options.metrics.registry.metrics();
    },
  );
}
