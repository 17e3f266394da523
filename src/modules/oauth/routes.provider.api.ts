import type { FastifyPluginAsync } from 'fastify';
import { authDeps } from '../../identity/ports.js';
import { endCurrentSession } from '../../identity/request-context.js';
import { cookieName, cookieOptions } from '../../identity/session-cookie.js';
import { SESSION_COOKIE } from '../../identity/session-settings.js';
import { END_FIRST_PARTY_SESSION } from './provider/first-party-sign-out.js';
import { FIRST_PARTY_USER, type OauthServer } from './provider/provider.js';

const PREFIX = '/oauth';
/**
 * JSON answers need nothing; the logout and error pages need the site's own styles and scripts.
 * No `form-action`: the logout form's answer redirects to the app, and browsers hold every
 * redirect after a form post to that directive.
 */
const PROVIDER_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'";

/**
 * oidc-provider (a Koa app) mounted under /oauth: discovery, authorization, token, introspection,
 * revocation, userinfo, end-session. Fastify hands it the untouched request: no body parsing here
 * (the provider reads the body itself), no CSRF token (its endpoints authenticate clients and use
 * their own state and PKCE checks), no session lookup.
 */
export const providerRoutes: FastifyPluginAsync<{ server: OauthServer }> = async (app, { server }) => {
  const publicUrl = new URL(app.platform.config.PUBLIC_URL);
  const deps = authDeps(app.platform);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));

  app.route({
    method: ['GET', 'POST', 'OPTIONS'],
    url: `${PREFIX}/*`,
    config: { access: 'public', csrf: false },
    handler: async (request, reply) => {
      const provider = await server.provider();
      // The provider writes to the socket itself, so the headers set for this reply (security
      // headers, request id) are copied over first, with a policy its pages can live with.
      for (const [name, value] of Object.entries(reply.getHeaders()))
        if (value !== undefined) reply.raw.setHeader(name, value);
      reply.raw.setHeader('content-security-policy', PROVIDER_CSP);
      reply.hijack();
      // The provider builds every URL it hands out (discovery, redirects) from the request: give it
      // PUBLIC_URL's host and scheme, never what the client claimed, and the path it is mounted at.
      const raw = request.raw as typeof request.raw & { originalUrl?: string };
      raw.originalUrl = raw.url;
      raw.url = raw.url!.slice(PREFIX.length) || '/';
      raw.headers.host = publicUrl.host;
      raw.headers['x-forwarded-proto'] = publicUrl.protocol.slice(0, -1);
      raw.headers['x-forwarded-host'] = publicUrl.host;
      const session = request.session;
      if (session?.data.mfa === 'done') Object.assign(raw, { [FIRST_PARTY_USER]: session.userId });
      // The end-session confirmation (its page offers only "yes" as a post) signs out of
      // Switchboard as well, like the site's own sign-out (which also revokes the user's grants),
      // once the provider has accepted it (provider/first-party-sign-out.ts).
      if (request.method === 'POST' && raw.url === '/session/end/confirm' && session) {
        Object.assign(raw, {
          [END_FIRST_PARTY_SESSION]: async () => {
            await endCurrentSession(deps, request);
            return app.serializeCookie(cookieName(SESSION_COOKIE, publicUrl.href), '', {
              ...cookieOptions(publicUrl.href),
              secure: publicUrl.protocol === 'https:',
              maxAge: 0,
            });
          },
        });
      }
      provider.callback()(raw, reply.raw);
    },
  });
};
