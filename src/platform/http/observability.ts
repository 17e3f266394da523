import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { redactUrl } from '../logging/redact-url.js';
import type { Metrics } from '../metrics/registry.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: leave this route out of request metrics (probes, the metrics endpoint itself). */
    metrics?: boolean;
  }
}

/**
 * One log line and one histogram observation per request, after the response is sent (Fastify's
 * own two-line request logging is off). Routes with `logLevel: 'silent'` log nothing.
 */
export const observabilityPlugin = fp(
  async (app: FastifyInstance, options: { metrics: Metrics }) => {
    const { httpDuration } = options.metrics;
    // The request line holds only the fields below, its URL already without secrets, so it skips
    // the path redaction every other line gets: that redaction was half of the line's cost, and
    // 6 % of a kept page's time (bench/README.md).
    const lines = app.log.child({}, { redact: { paths: [], censor: '[redacted]' } });
    app.addHook('onResponse', (request, reply, done) => {
      // `routeOptions` is a getter that builds a new object each time: read it once.
      const route = request.routeOptions;
      if (route.config.metrics !== false) {
        httpDuration.observe(
          {
            method: request.method,
            route: route.url ?? 'unmatched',
            status: String(reply.statusCode),
          },
          reply.elapsedTime / 1000,
        );
      }
      // The request id as a field: the same line as the request's own child logger writes, without
      // building that child for every request (bench/README.md).
      if (request.log.level === 'silent') return done();
      lines.info(
        {
          requestId: request.id,
          method: request.method,
          // Sign-in, reset and invitation links carry their token in the URL.
          url: redactUrl(request.url),
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime),
        },
        'request',
      );
      done();
    });
  },
  { name: 'observability' },
);
