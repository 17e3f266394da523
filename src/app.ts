import compress from '@fastify/compress';
import cors from '@fastify/cors';
import formbody from '@fastify/formbody';
import { type TypeBoxTypeProvider, TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyPluginAsync,
  LogController,
} from 'fastify';
import { trustProxyOption } from './config.js';
import { accessControlPlugin, routeAccessGuard } from './identity/access-plugin.js';
import { cookieName, cookieOptions } from './identity/session-cookie.js';
import { authPlugin } from './identity/session-plugin.js';
import { PRESESSION_COOKIE, SESSION_COOKIE } from './identity/session-settings.js';
import { modules } from './modules/index.js';
import type { FeatureModule } from './modules/module.js';
import { createBearerTokens, securityOf, securitySchemes } from './modules/oauth/index.js';
import { drainPlugin } from './platform/http/drain.js';
import { errorHandlerPlugin } from './platform/http/error-handler.js';
import { frontServer } from './platform/http/front-server.js';
import { healthRoutes } from './platform/http/health.js';
import { httpsRedirectPlugin } from './platform/http/https-redirect.js';
import { metricsRoute } from './platform/http/metrics-route.js';
import { multipartPlugin } from './platform/http/multipart.js';
import { nulBytePlugin } from './platform/http/nul-bytes.js';
import { observabilityPlugin, requestRecorder } from './platform/http/observability.js';
import { openapiPlugin } from './platform/http/openapi.js';
import { readinessChecks } from './platform/http/readiness.js';
import { requestIdFor } from './platform/http/request-id.js';
import { trustProxyFunction } from './platform/http/request-protocol.js';
import { pageHeaders, securityHeadersPlugin } from './platform/http/security-headers.js';
import { lazyChildLoggerFactory } from './platform/logging/lazy-child.js';
import type { Platform } from './platform/runtime.js';
import { APP_VERSION } from './version.js';
import { keptPagesFront } from './web/kept-pages-front.js';
import { keptPagesPlugin } from './web/kept-pages-plugin.js';
import { PageCache } from './web/page-cache.js';
import { webPlugin } from './web/web-plugin.js';

/**
 * Builds the HTTP app on an already created platform; never listens (server.ts does, tests inject).
 * Order is fixed: infrastructure, then shared web concerns, then feature modules.
 */
export interface BuildAppOptions {
  /** More plugins after the feature modules (tests mount probe routes this way). */
  plugins?: FastifyPluginAsync[];
  /** The features to mount, in order; the feature list by default (a test may add a fixture feature). */
  modules?: readonly FeatureModule[];
}

export async function buildApp(platform: Platform, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const { config } = platform;
  const https = config.PUBLIC_URL.startsWith('https:');
  const front = frontServer({ https });
  const app = Fastify({
    serverFactory: front.factory,
    loggerInstance: platform.logger as FastifyBaseLogger,
    genReqId: requestIdFor,
    childLoggerFactory: lazyChildLoggerFactory,
    // One line per request is logged by the observability plugin instead of Fastify's two.
    logController: new LogController({ requestIdLogLabel: 'requestId', disableRequestLogging: true }),
    // Fastify accepts a hop count at run time; its type declaration omits number.
    trustProxy: trustProxyOption(config) as boolean | string[],
    bodyLimit: config.BODY_LIMIT_BYTES,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  app.decorate('platform', platform);

  app.addHook('preClose', (done) => {
    front.closing();
    done();
  });
  await app.register(drainPlugin);
  await app.register(securityHeadersPlugin, { https });
  await app.register(httpsRedirectPlugin, { publicUrl: config.PUBLIC_URL });
  await app.register(observabilityPlugin, { metrics: platform.metrics });
  await app.register(errorHandlerPlugin);
  await app.register(nulBytePlugin);
  await app.register(routeAccessGuard);
  // Without configured origins there is nothing to allow: browsers enforce same-origin by default,
  // and not registering the plugin saves ~10 % of throughput on every request (bench/README.md).
  const origins = corsOrigins(config.CORS_ORIGINS);
  if (origins.length > 0) await app.register(cors, { origin: origins, credentials: true });
  await app.register(compress, { threshold: 1024, global: true });
  await app.register(formbody);
  await app.register(openapiPlugin, {
    publicUrl: config.PUBLIC_URL,
    version: APP_VERSION,
    securitySchemes: securitySchemes(config.PUBLIC_URL),
    securityOf: (route) => securityOf(route.access, route.tokenReadable === true),
  });
  await app.register(healthRoutes, { checks: readinessChecks(platform) });
  await app.register(metricsRoute, { metrics: platform.metrics, token: config.METRICS_TOKEN });
  const pageCache = new PageCache();
  await app.register(keptPagesPlugin, { pageCache });
  await app.register(authPlugin);
  await app.register(accessControlPlugin, { bearerTokens: await createBearerTokens(platform) });
  await app.register(multipartPlugin, {
    maxFileBytes: config.ATTACHMENT_MAX_BYTES,
    maxFiles: config.ATTACHMENT_MAX_PER_MESSAGE,
    maxFieldBytes: config.BODY_LIMIT_BYTES,
  });
  const features = options.modules ?? modules;
  await app.register(webPlugin, {
    production: config.NODE_ENV === 'production',
    featureViews: features.flatMap((m) => (m.views ? [m.views] : [])),
    pageCache,
  });

  for (const module of features) {
    if (module.routes) await app.register(module.routes);
  }
  // Kept public pages, answered by the HTTP server for the requests that need nothing of Fastify.
  front.answerFirst(
    keptPagesFront(pageCache, {
      https,
      trusted: trustProxyFunction(trustProxyOption(config)),
      sessionCookie: cookieName(SESSION_COOKIE, config.PUBLIC_URL),
      preSessionCookie: cookieName(PRESESSION_COOKIE, config.PUBLIC_URL),
      cookieOptions: cookieOptions(config.PUBLIC_URL),
      secretKey: config.SECRET_KEY!,
      pageHeaders: pageHeaders(https),
      record: requestRecorder(app.log, platform.metrics),
    }),
  );
  for (const plugin of options.plugins ?? []) await app.register(plugin);
  await app.ready();
  return app;
}

/** An explicit allowlist: no origin is trusted unless named. */
function corsOrigins(list: string): string[] {
  return list
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
}
