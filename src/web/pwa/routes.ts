import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { PUBLIC } from '../../identity/access.js';
import { translator } from '../../platform/i18n/catalog.js';
import { fromAcceptLanguage, pickLocale } from '../../platform/i18n/locales.js';
import { APP_VERSION } from '../../version.js';
import type { Assets } from '../assets.js';
import { workerSource } from './worker.js';

const ICONS = ['/static/img/favicon.svg', '/static/img/icon-192.png', '/static/img/icon-512.png'];

/** The shell's colours: the accent of the header's theme-color and the light canvas. */
const THEME_COLOR = '#2f55d4';
const BACKGROUND_COLOR = '#f9fafb';

/**
 * What makes the app installable (W3C Web App Manifest, Service Workers): the manifest and the
 * worker, both at the root so the worker's scope is the whole site. The offline page it falls back
 * to is the site feature's (`/offline`).
 */
export async function pwaRoutes(
  app: FastifyInstance,
  options: { appName: string; assets: () => Assets },
): Promise<void> {
  app.get('/manifest.webmanifest', PUBLIC, async (request, reply) => {
    // Browsers fetch the manifest without cookies: its words follow the browser's language.
    const t = translator(pickLocale(fromAcceptLanguage(request.headers['accept-language'])));
    const name = options.appName;
    reply.header('content-type', 'application/manifest+json; charset=utf-8');
    reply.header('cache-control', 'public, max-age=3600');
    return JSON.stringify({
      id: '/',
      name,
      short_name: name,
      description: t('shell.description', { app: name }),
      start_url: '/',
      scope: '/',
      display: 'standalone',
      theme_color: THEME_COLOR,
      background_color: BACKGROUND_COLOR,
      icons: [
        { src: '/static/img/favicon.svg', sizes: 'any', type: 'image/svg+xml' },
        { src: '/static/img/icon-192.png', sizes: '192x192', type: 'image/png' },
        { src: '/static/img/icon-512.png', sizes: '512x512', type: 'image/png' },
        {
          src: '/static/img/icon-maskable-512.png',
          sizes: '512x512',
          type: 'image/png',
          purpose: 'maskable',
        },
      ],
    });
  });

  app.get('/sw.js', PUBLIC, async (_request, reply) => {
    const precache = [...new Set([...Object.values(options.assets()), ...ICONS])].sort();
    const version = createHash('sha256')
      .update(`${APP_VERSION}\n${precache.join('\n')}`)
      .digest('hex')
      .slice(0, 12);
    reply.header('content-type', 'text/javascript; charset=utf-8');
    // The browser checks for a new worker on navigations; no-cache makes that check reach us.
    reply.header('cache-control', 'no-cache');
    return workerSource({ version, precache });
  });
}
