import type { FastifyPluginAsync } from 'fastify';
import { OauthServer } from './provider/provider.js';

const PREFIX = '/oauth';

/**
 * oidc-provider (a Koa app) mounted under /oauth: discovery, authorization, token, introspection,
 * revocation, userinfo, end-session. Fastify hands it the untouched request: no body parsing here
 * (the provider reads the body itself), no CSRF token (its endpoints authenticate clients and use
 * their own state and PKCE checks), no session lookup.
 */
export const providerRoutes: FastifyPluginAsync = async (app) => {
  const server = new OauthServer(app.platform.database.db, app.platform.config);
  const publicUrl = new URL(app.platform.config.PUBLIC_URL);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));

  app.route({
    method: ['GET', 'POST', 'OPTIONS'],
    url: `${PREFIX}/*`,
    config: { access: 'public', csrf: false },
    handler: async (request, reply) => {
      const provider = await server.provider();
      reply.hijack();
      // The provider builds every URL it hands out (discovery, redirects) from the request: give it
      // PUBLIC_URL's host and scheme, never what the client claimed, and the path it is mounted at.
      const raw = request.raw as typeof request.raw & { originalUrl?: string };
      raw.originalUrl = raw.url;
      raw.url = raw.url!.slice(PREFIX.length) || '/';
      raw.headers.host = publicUrl.host;
      raw.headers['x-forwarded-proto'] = publicUrl.protocol.slice(0, -1);
      raw.headers['x-forwarded-host'] = publicUrl.host;
      provider.callback()(raw, reply.raw);
    },
  });
};
