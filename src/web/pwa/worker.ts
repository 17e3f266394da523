/** What the generated worker needs to know: its cache's version and what to precache. */
export interface WorkerPlan {
  version: string;
  /** Static files (fingerprinted CSS and scripts, icons) fetched at install. */
  precache: string[];
}

/** The cache every worker version writes; older ones are deleted when a new worker activates. */
export const CACHE_PREFIX = 'switchboard-';

/**
 * The service worker's source. Only two kinds of things are ever cached: files under /static/ and
 * the offline page, fetched without cookies so no signed-in page can end up in it. Navigations go
 * to the network first and fall back to the offline page; everything else (pages, the API, event
 * streams, posts) is left to the network untouched. A response marked `no-store`, or not a plain
 * same-origin answer, is never stored.
 */
export function workerSource(plan: WorkerPlan): string {
  return `'use strict';
// Generated per build by src/web/pwa/worker.ts; a new build gets a new version and cache.
const CACHE = ${JSON.stringify(CACHE_PREFIX + plan.version)};
const PRECACHE = ${JSON.stringify(plan.precache)};
const OFFLINE = '/offline';

const storable = (response) =>
  response.ok &&
  response.type === 'basic' &&
  !/no-store/i.test(response.headers.get('cache-control') || '');

async function cacheOffline(cache, lang) {
  const url = lang ? OFFLINE + '?lang=' + encodeURIComponent(lang) : OFFLINE;
  const response = await fetch(url, { credentials: 'omit', cache: 'no-cache' });
  if (storable(response)) await cache.put(OFFLINE, response);
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll(PRECACHE);
      await cacheOffline(cache);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys())
        if (name.startsWith(${JSON.stringify(CACHE_PREFIX)}) && name !== CACHE) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

// Pages tell the worker their language, so the offline page speaks it too.
self.addEventListener('message', (event) => {
  const lang = event.data && event.data.type === 'language' ? String(event.data.lang) : '';
  if (!/^[a-z]{2}$/.test(lang)) return;
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      const cached = await cache.match(OFFLINE);
      if (!cached || cached.headers.get('content-language') !== lang) await cacheOffline(cache, lang);
    })(),
  );
});

async function fromCacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (storable(response)) await cache.put(request, response.clone());
  return response;
}

async function networkOrOffline(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const offline = await caches.match(OFFLINE, { cacheName: CACHE });
    if (offline) return offline;
    throw error;
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') event.respondWith(networkOrOffline(request));
  else if (url.pathname.startsWith('/static/')) event.respondWith(fromCacheFirst(request));
});
`;
}
