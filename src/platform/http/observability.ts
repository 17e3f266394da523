import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { redactUrl } from '../logging/redact-url.js';
import type { Metrics } from '../metrics/registry.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: leave this route out of request metrics (probes, the metrics endpoint itself). */
    metrics?: boolean;
  }
}

/** What is recorded of one answered request. */
export interface AnsweredRequest {
  requestId: string;
  method: string;
  /** As requested: secrets in it are cut out before it is logged. */
  url: string;
  /** The route's pattern (`/tickets/:id`), for the metrics' label. */
  route: string | undefined;
  status: number;
  ms: number;
}

/**
 * Records an answered request: one observation of the request-duration histogram and one log
 * line. Shared by the Fastify hook below and the answers the HTTP server gives before Fastify.
 * The line holds only these fields, its URL already without secrets, so it skips the path
 * redaction every other line gets: that redaction was half of the line's cost, and 6 % of a kept
 * page's time (bench/README.md).
 */
export function requestRecorder(log: FastifyBaseLogger, metrics: Metrics) {
  const lines = log.child({}, { redact: { paths: [], censor: '[redacted]' } });
  return (answered: AnsweredRequest, options: { log: boolean; metrics: boolean }): void => {
    const { requestId, method, url, route, status, ms } = answered;
    if (options.metrics)
      metrics.httpDuration.observe(
        { method, route: route ?? 'unmatched', status: String(status) },
        ms / 1000,
      );
    // Sign-in, reset and invitation links carry their token in the URL.
    if (options.log)
      lines.info({ requestId, method, url: redactUrl(url), status, ms: Math.round(ms) }, 'request');
  };
}

/**
 * One log line and one histogram observation per request, after the response is sent (Fastify's
 * own two-line request logging is off). Routes with `logLevel: 'silent'` log nothing.
 */
export const observabilityPlugin = fp(
  async (app: FastifyInstance, options: { metrics: Metrics }) => {
    const record = requestRecorder(app.log, options.metrics);
    app.addHook('onResponse', (request, reply, done) => {
      // `routeOptions` is a getter that builds a new object each time: read it once.
      const route = request.routeOptions;
      record(
        {
          requestId: request.id,
          method: request.method,
          url: request.url,
          route: route.url,
          status: reply.statusCode,
          ms: reply.elapsedTime,
        },
        // The request id as a field: the same line as the request's own child logger writes,
        // without building that child for every request (bench/README.md).
        { log: request.log.level !== 'silent', metrics: route.config.metrics !== false },
      );
      done();
    });
  },
  { name: 'observability' },
);
