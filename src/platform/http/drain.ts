import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Graceful close with keep-alive clients: `server.close()` waits for every open connection, and a
 * connection that finished its last response sits idle until the keep-alive timeout. While closing,
 * idle connections are swept every 100 ms, so close completes as soon as in-flight requests are
 * answered, and none of them is cut off. Costs nothing per request.
 */
export const drainPlugin = fp(
  async (app: FastifyInstance) => {
    let sweeper: NodeJS.Timeout | undefined;
    app.addHook('preClose', (done) => {
      sweeper = setInterval(() => app.server.closeIdleConnections(), 100);
      sweeper.unref();
      done();
    });
    app.addHook('onClose', (_instance, done) => {
      clearInterval(sweeper);
      done();
    });
  },
  { name: 'drain' },
);
