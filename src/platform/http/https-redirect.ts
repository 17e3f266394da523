import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * When PUBLIC_URL is https, a request that arrived over plain http (directly, or per a trusted
 * proxy's X-Forwarded-Proto) is sent to the https URL. Health probes are exempt: load balancers
 * call them over plain http inside the network.
 */
export const httpsRedirectPlugin = fp(
  async (app: FastifyInstance, options: { publicUrl: string }) => {
    const target = new URL(options.publicUrl);
    if (target.protocol !== 'https:') return;
    app.addHook('onRequest', async (request, reply) => {
      if (request.protocol === 'https' || request.url.startsWith('/health')) return;
      return reply.redirect(`${target.origin}${request.url}`, 308);
    });
  },
  { name: 'https-redirect' },
);
