import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import fastifyView from '@fastify/view';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import nunjucks from 'nunjucks';
import { APP_VERSION } from '../version.js';
import { assetManifest, cacheControlFor } from './assets.js';
import { viewSearchPath } from './view-paths.js';

export interface WebPluginOptions {
  /** Caches compiled templates and reads the asset manifest once. */
  production: boolean;
  /** Views folders of features kept outside src/modules (those under it are found on their own). */
  featureViews?: readonly URL[];
}

export const APP_NAME = 'Switchboard';

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
      },
    });

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
