import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import fastifyView from '@fastify/view';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import nunjucks from 'nunjucks';
import { APP_VERSION } from '../version.js';
import { assetManifest, cacheControlFor } from './assets.js';
import type { PageCache } from './page-cache.js';
import { preparePage, signedOutContext } from './page-context.js';
import { pwaRoutes } from './pwa/routes.js';
import { preferenceRoutes } from './routes.preferences.js';
import { viewSearchPath } from './view-paths.js';
import { ViewerPages } from './viewer-pages.js';

export interface WebPluginOptions {
  /** Caches compiled templates and reads the asset manifest once. */
  production: boolean;
  /** Views folders of features kept outside src/modules (those under it are found on their own). */
  featureViews?: readonly URL[];
  /** The kept public pages, shared with the hook that answers them early (kept-pages-plugin.ts). */
  pageCache: PageCache;
}

export const APP_NAME = 'Switchboard';

declare module 'fastify' {
  interface FastifyInstance {
    preparePage: typeof preparePage;
    /** Public pages as rendered for visitors who are not signed in (see PageCache). */
    pageCache: PageCache;
    /** Signed-in pages rendered once per version of what they show (see ViewerPages). */
    viewerPages: ViewerPages;
  }
}

/** Published when public content changes, so every node drops its kept pages. */
const PAGES_CHANGED = 'pages.changed';

/** Drops the kept public pages on this node at once and on every other as the message arrives. */
export async function purgePages(app: FastifyInstance): Promise<void> {
  app.pageCache.purge();
  await app.platform.pubsub.publish(PAGES_CHANGED, {}).catch(() => undefined);
}

const SIGNED_OUT_ENGLISH = signedOutContext();

/** Paths no page is ever rendered for: the API, static files, probes, metadata apps and crawlers fetch. */
const NOT_PAGES = [
  '/api/',
  '/static/',
  '/health',
  '/metrics',
  '/.well-known/',
  '/robots.txt',
  '/sitemap.xml',
];

/**
 * Anything that may answer with a page: every GET outside the API, static files, probes and the
 * OAuth endpoints apps call (whatever its Accept header says: `curl` sends `*\/*`, a load tester
 * none, and the page must still render), and any other method, since a form post may answer with
 * its page again. Only these pay for the page context.
 */
function isPageRequest(request: FastifyRequest): boolean {
  const url = request.url;
  if (NOT_PAGES.some((prefix) => url.startsWith(prefix))) return false;
  return !url.startsWith('/oauth/') || url.startsWith('/oauth/interaction/');
}

// Resolved from this module, so the same code finds src/web/* under tsx and dist/web/* when compiled.
const STATIC = new URL('./static/', import.meta.url);

/**
 * Server-rendered pages: Nunjucks templates through `reply.view()` (the shared views and each
 * feature's own), and the built CSS and scripts under /static. Every template sees `appName`, `version`, `year` and `assets` (css, htmx, js URLs).
 * Fails at boot with a clear message when the assets have not been built.
 */
export const webPlugin = fp(
  async (app: FastifyInstance, options: WebPluginOptions) => {
    const assets = assetManifest(STATIC, options.production);

    await app.register(fastifyView, {
      engine: { nunjucks },
      templates: viewSearchPath(options.featureViews),
      production: options.production,
      options: {
        autoescape: true,
        noCache: !options.production,
        trimBlocks: true,
        lstripBlocks: true,
      },
      // Getters, because @fastify/view copies this object into every render: the values stay current.
      defaultContext: {
        appName: APP_NAME,
        version: APP_VERSION,
        get year() {
          return new Date().getFullYear();
        },
        get assets() {
          return assets();
        },
        // A render without a request (the OAuth provider's own pages) still has a shell: English,
        // signed out. A page request's context (reply.locals) replaces all of these.
        ...SIGNED_OUT_ENGLISH,
      },
    });

    // Every page gets the shell's context (language, viewer, navigation, time zone) before its
    // handler runs; the error handler asks for it too when a request failed before this hook.
    app.decorateRequest('page', null);
    app.decorate('preparePage', preparePage);
    const { pageCache } = options;
    app.decorate('pageCache', pageCache);
    app.decorate('viewerPages', new ViewerPages());
    const unsubscribe = await app.platform.pubsub.subscribe(PAGES_CHANGED, () => pageCache.purge());
    app.addHook('onClose', async () => unsubscribe());
    app.addHook('preHandler', async (request, reply) => {
      if (isPageRequest(request)) await preparePage(request, reply);
    });
    await app.register(preferenceRoutes);
    await app.register(pwaRoutes, { appName: APP_NAME, assets });

    await app.register(fastifyStatic, {
      root: fileURLToPath(STATIC),
      prefix: '/static/',
      decorateReply: false,
      index: false,
      list: false,
      // send's own header would be `max-age=0`; ours depends on whether the name is fingerprinted.
      cacheControl: false,
      setHeaders: (reply, file) => {
        reply.header('cache-control', cacheControlFor(file));
      },
      allowedPath: (pathname) => !pathname.endsWith('/manifest.json'),
      logLevel: 'warn',
    });
  },
  { name: 'web', fastify: '5.x' },
);
