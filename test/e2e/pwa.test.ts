/// <reference lib="dom" />
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createUser } from '../support/actors.js';
import { useServedAppInBrowser, watchProblems } from '../support/browser.js';
import { serviceWorkerActive, signInContext, visibleText } from '../support/pages.js';

// Service workers need a secure context: http://localhost is one, http://127.0.0.1 too, but the
// installability check wants a host name.
const suite = useServedAppInBrowser({ hostname: 'localhost', env: { MFA_REQUIRED_ROLES: 'none' } });

/** Width and height from a PNG's IHDR chunk. */
const pngSize = (png: Buffer) => ({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) });

describe('installable app in Chromium', () => {
  it('links a valid manifest with PNG, maskable and SVG icons', async () => {
    const page = await suite.browser.newPage();
    await page.goto(suite.served.baseUrl);
    const href = await page.locator('link[rel="manifest"]').getAttribute('href');
    expect(href).toBe('/manifest.webmanifest');
    const response = await page.request.get(`${suite.served.baseUrl}${href}`);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toMatch(/^application\/manifest\+json/);
    expect(response.headers()['cache-control']).toBe('public, max-age=3600');
    const manifest = (await response.json()) as {
      name: string;
      short_name: string;
      start_url: string;
      scope: string;
      display: string;
      theme_color: string;
      background_color: string;
      icons: { src: string; sizes: string; type: string; purpose?: string }[];
    };
    expect(manifest).toMatchObject({
      name: 'Switchboard',
      start_url: '/',
      scope: '/',
      display: 'standalone',
    });
    expect(manifest.short_name.length).toBeLessThanOrEqual(12);
    expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/);
    expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/);
    expect(manifest.icons.map((i) => `${i.sizes} ${i.type} ${i.purpose ?? 'any'}`)).toEqual([
      'any image/svg+xml any',
      '192x192 image/png any',
      '512x512 image/png any',
      '512x512 image/png maskable',
    ]);
    for (const icon of manifest.icons) {
      const file = await page.request.get(`${suite.served.baseUrl}${icon.src}`);
      expect(file.status(), icon.src).toBe(200);
      expect(file.headers()['content-type']).toContain(icon.type);
      if (icon.type === 'image/png') {
        const [width] = icon.sizes.split('x').map(Number);
        expect(pngSize(await file.body())).toEqual({ width, height: width });
      }
    }
    await page.close();
  });

  it('registers and activates a service worker that precaches the page assets, without console errors', async () => {
    const context = await suite.browser.newContext();
    const page = await context.newPage();
    const problems = await watchProblems(page);
    await page.goto(suite.served.baseUrl, { waitUntil: 'networkidle' });
    expect(await serviceWorkerActive(page)).toBe('activated');

    const worker = await page.request.get(`${suite.served.baseUrl}/sw.js`);
    expect(worker.headers()['content-type']).toMatch(/^text\/javascript/);
    expect(worker.headers()['cache-control']).toBe('no-cache');
    const source = await worker.text();
    for (const url of await assetUrls(page)) expect(source).toContain(url);

    expect(problems).toEqual({ console: [], csp: [], failedRequests: [] });
    await context.close();
  });

  it('is installable: Chromium reports no installability errors', async () => {
    // A fresh context is incognito, where nothing installs; a profile on disk is not.
    const profile = await mkdtemp(path.join(tmpdir(), 'sb-pwa-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
      ],
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto(suite.served.baseUrl);
      expect(await serviceWorkerActive(page)).toBe('activated');
      const cdp = await context.newCDPSession(page);
      const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as {
        installabilityErrors: { errorId: string }[];
      };
      expect(installabilityErrors.map((e) => e.errorId)).toEqual([]);
    } finally {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    }
  });

  it('shows the offline page, in the page language, when a navigation finds no network', async () => {
    const context = await suite.browser.newContext({
      locale: 'nl-NL',
      extraHTTPHeaders: { 'accept-language': 'nl' },
    });
    const page = await context.newPage();
    await page.goto(suite.served.baseUrl);
    expect(await serviceWorkerActive(page)).toBe('activated');
    // The worker stores the offline page in the page's language once told it; give it a moment.
    await page.waitForFunction(async () => {
      const names = await caches.keys();
      for (const name of names) {
        const offline = await (await caches.open(name)).match('/offline');
        if (offline?.headers.get('content-language') === 'nl') return true;
      }
      return false;
    });

    await context.setOffline(true);
    await page.goto(`${suite.served.baseUrl}/tickets`);
    expect(await page.locator('html').getAttribute('lang')).toBe('nl');
    expect(await page.locator('h1').textContent()).toBe('Geen verbinding');
    // The stylesheet came from the cache: the page is styled.
    const link = page.locator('a.btn-primary');
    expect(await link.evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe('rgba(0, 0, 0, 0)');
    await context.setOffline(false);
    await context.close();
  });

  it('never serves a signed-in page from the cache after sign-out', async () => {
    const user = await createUser(suite.served, ['customer'], 'pwa');
    const context = await suite.browser.newContext();
    await signInContext(context, suite.served.baseUrl, user.email);
    const page = await context.newPage();
    await page.goto(`${suite.served.baseUrl}/account`);
    expect(await visibleText(page)).toContain(user.email);
    expect(await serviceWorkerActive(page)).toBe('activated');
    await page.reload();
    // Nothing but static files and the offline page are in the worker's cache.
    const cached = await page.evaluate(async () => {
      const urls: string[] = [];
      for (const name of await caches.keys())
        for (const request of await (await caches.open(name)).keys())
          urls.push(new URL(request.url).pathname);
      return urls;
    });
    expect(cached.length).toBeGreaterThan(0);
    expect(cached.filter((path) => !path.startsWith('/static/') && path !== '/offline')).toEqual([]);

    await page.locator('summary[aria-label]').first().click();
    await Promise.all([
      page.waitForURL(/\/login/),
      page.locator('header form[action="/logout"] button').click(),
    ]);
    expect(await serviceWorkerActive(page)).toBe('activated');

    await context.setOffline(true);
    await page.goto(`${suite.served.baseUrl}/account`);
    const text = await visibleText(page);
    expect(text).toContain('No connection');
    expect(text).not.toContain(user.email);
    expect(text).not.toContain(user.display_name);
    await context.close();
  });
});

/** The asset URLs the page itself loads (stylesheet and scripts). */
async function assetUrls(page: Page): Promise<string[]> {
  const urls = await page.evaluate(() =>
    Array.from(document.querySelectorAll('link[rel="stylesheet"], script[src]')).map(
      (el) => new URL((el as HTMLLinkElement).href || (el as HTMLScriptElement).src).pathname,
    ),
  );
  expect(urls.length).toBeGreaterThan(2);
  return urls;
}
