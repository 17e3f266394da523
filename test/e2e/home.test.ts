import { describe, expect, it } from 'vitest';
import { useServedAppInBrowser, watchProblems } from '../support/browser.js';

const suite = useServedAppInBrowser();

describe('home page in Chromium', () => {
  it('renders styled, with htmx loaded and no console errors or CSP violations', async () => {
    const page = await suite.browser.newPage();
    const problems = await watchProblems(page);
    const response = await page.goto(suite.served.baseUrl, { waitUntil: 'networkidle' });

    expect(response?.status()).toBe(200);
    expect(await page.title()).toContain('Switchboard');
    expect(await page.locator('h1').textContent()).toBe('One inbox for every customer conversation');
    const button = page.locator('a.btn-primary').first();
    expect(await button.evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe('rgba(0, 0, 0, 0)');
    expect(await button.evaluate((el) => getComputedStyle(el).borderTopLeftRadius)).not.toBe('0px');
    expect(await page.evaluate(() => typeof (window as unknown as { htmx?: unknown }).htmx)).toBe('object');
    expect(problems).toEqual({ console: [], csp: [], failedRequests: [] });
    await page.close();
  });

  it('serves the stylesheet under a fingerprinted name, cached as immutable', async () => {
    const page = await suite.browser.newPage();
    const css = page.waitForResponse((r) => r.url().endsWith('.css'));
    await page.goto(suite.served.baseUrl);
    const response = await css;
    expect(response.url()).toMatch(/\/static\/build\/app\.[0-9a-f]{8}\.css$/);
    expect(response.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
    await page.close();
  });

  it('follows the dark-mode preference, which a .dark class on <html> overrides', async () => {
    const page = await suite.browser.newPage();
    await page.goto(suite.served.baseUrl);
    const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    await page.emulateMedia({ colorScheme: 'light' });
    const light = await background();
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await background();
    expect(light).not.toBe(dark);
    await page.emulateMedia({ colorScheme: 'light' });
    await page.evaluate(() => document.documentElement.classList.add('dark'));
    expect(await background()).toBe(dark);
    await page.close();
  });

  it('offers a skip link as the first thing the keyboard reaches', async () => {
    const page = await suite.browser.newPage();
    await page.goto(suite.served.baseUrl);
    await page.keyboard.press('Tab');
    const focused = page.locator(':focus');
    expect(await focused.textContent()).toBe('Skip to content');
    expect(await focused.isVisible()).toBe(true);
    await page.close();
  });

  it('shows the HTML error page with status 404 for an unknown address', async () => {
    const page = await suite.browser.newPage();
    const problems = await watchProblems(page);
    const response = await page.goto(`${suite.served.baseUrl}/nope`, { waitUntil: 'networkidle' });
    expect(response?.status()).toBe(404);
    expect(response?.headers()['content-type']).toContain('text/html');
    expect(await page.locator('h1').textContent()).toBe('Nothing was found at this address.');
    expect(await page.locator('a', { hasText: 'Go to the home page' }).getAttribute('href')).toBe('/');
    // Chromium reports the document's own 404 on the console; nothing else may fail.
    expect(problems.console.filter((m) => !m.includes('status of 404'))).toEqual([]);
    expect(problems.csp).toEqual([]);
    await page.close();
  });
});
