import { describe, expect, it } from 'vitest';
import { createUser } from '../support/actors.js';
import { useServedAppInBrowser, watchProblems } from '../support/browser.js';
import { signInContext, visibleText } from '../support/pages.js';

const suite = useServedAppInBrowser({ env: { MFA_REQUIRED_ROLES: 'none' } });

describe('home page in Chromium', () => {
  it('renders styled, with htmx loaded and no console errors or CSP violations', async () => {
    const page = await suite.browser.newPage();
    const problems = await watchProblems(page);
    const response = await page.goto(suite.served.baseUrl, { waitUntil: 'networkidle' });

    expect(response?.status()).toBe(200);
    expect(await page.title()).toContain('Switchboard');
    expect(await page.locator('h1').textContent()).toBe('How can we help?');
    const button = page.locator('a.btn-primary').first();
    expect(await button.evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe('rgba(0, 0, 0, 0)');
    expect(await button.evaluate((el) => getComputedStyle(el).borderTopLeftRadius)).not.toBe('0px');
    expect(await page.evaluate(() => typeof (window as unknown as { htmx?: unknown }).htmx)).toBe('object');
    expect(problems).toEqual({ console: [], csp: [], failedRequests: [] });
    await page.close();
  });

  it('greets a customer: "Ask for help" and "Sign in" first, no self-hosting talk, no dead links', async () => {
    const page = await suite.browser.newPage();
    await page.goto(suite.served.baseUrl);
    const actions = page.locator('main a.btn');
    expect(await actions.allTextContents()).toEqual(['Ask for help', 'Sign in']);
    expect(await actions.nth(0).getAttribute('href')).toBe('/help');
    expect(await actions.nth(1).getAttribute('href')).toBe('/login');
    const text = await visibleText(page, 'main');
    for (const word of ['npm', 'Run your own', 'self-hosted', 'PostgreSQL', 'Accounts are next'])
      expect(text).not.toContain(word);
    for (const heading of ['Follow your requests', 'Reach us your way', 'Answers on your own'])
      expect(text).toContain(heading);
    const links = await page
      .locator('main a')
      .evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
    for (const href of links) expect((await page.request.get(href)).status(), href).not.toBe(404);
    await page.close();
  });

  it('sends a signed-in customer to a new ticket and to their own start page', async () => {
    const user = await createUser(suite.served, ['customer'], 'home');
    const context = await suite.browser.newContext();
    await signInContext(context, suite.served.baseUrl, user.email);
    const page = await context.newPage();
    await page.goto(suite.served.baseUrl);
    const actions = page.locator('main a.btn');
    expect(await actions.nth(0).getAttribute('href')).toBe('/tickets/new');
    expect(await actions.nth(1).getAttribute('href')).toBe('/tickets');
    expect(await page.locator('main a', { hasText: 'Sign in' }).count()).toBe(0);
    await context.close();
  });

  it('speaks Dutch to a Dutch browser before anyone signs in', async () => {
    const context = await suite.browser.newContext({
      locale: 'nl-NL',
      extraHTTPHeaders: { 'accept-language': 'nl' },
    });
    const page = await context.newPage();
    await page.goto(suite.served.baseUrl);
    expect(await page.locator('html').getAttribute('lang')).toBe('nl');
    expect(await page.locator('h1').textContent()).toBe('Waarmee kunnen we je helpen?');
    expect(await page.locator('main a.btn').allTextContents()).toEqual(['Vraag om hulp', 'Inloggen']);
    await context.close();
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

  it('has a theme switch: Dark pins dark mode across pages, Automatic follows the system again', async () => {
    const context = await suite.browser.newContext({ colorScheme: 'light' });
    const page = await context.newPage();
    await page.goto(suite.served.baseUrl);
    const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    const light = await background();
    expect(await page.locator('#pref-theme option').allTextContents()).toEqual([
      'Automatic',
      'Light',
      'Dark',
    ]);

    await page.selectOption('#pref-theme', 'dark');
    await page.locator('html.dark').waitFor({ state: 'attached' });
    expect(page.url()).toBe(`${suite.served.baseUrl}/`);
    expect(await page.locator('html').getAttribute('class')).toBe('dark');
    const dark = await background();
    expect(dark).not.toBe(light);
    expect((await context.cookies()).find((c) => c.name === 'sb_theme')?.value).toBe('dark');
    await page.goto(`${suite.served.baseUrl}/login`);
    expect(await page.locator('html').getAttribute('class')).toBe('dark');
    expect(await page.locator('#pref-theme').inputValue()).toBe('dark');

    await page.selectOption('#pref-theme', 'auto');
    await page.locator('html:not([class])').waitFor({ state: 'attached' });
    expect(page.url()).toBe(`${suite.served.baseUrl}/login`);
    expect(await page.locator('html').getAttribute('class')).toBeNull();
    expect(await background()).toBe(light);
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await background()).toBe(dark);
    await context.close();
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
    expect(await page.locator('meta[name="robots"]').getAttribute('content')).toContain('noindex');
    await page.close();
  });

  it('opens a language version from its hreflang address, and the switch still changes language', async () => {
    const context = await suite.browser.newContext();
    const page = await context.newPage();
    await page.goto(suite.served.baseUrl);
    const dutchHref = await page.locator('link[rel="alternate"][hreflang="nl"]').getAttribute('href');
    expect(new URL(dutchHref!).search).toBe('?lang=nl');
    await page.goto(`${suite.served.baseUrl}/?lang=nl`);
    expect(await page.locator('html').getAttribute('lang')).toBe('nl');
    expect(await page.locator('h1').textContent()).toBe('Waarmee kunnen we je helpen?');
    expect(await page.locator('link[rel="canonical"]').getAttribute('href')).toMatch(/\/\?lang=nl$/);
    expect(await page.locator('meta[property="og:locale"]').getAttribute('content')).toBe('nl_NL');
    // The switch comes back to the page without ?lang=, so the choice made there holds.
    await page.selectOption('#pref-locale', 'en');
    await page.locator('html[lang="en"]').waitFor({ state: 'attached' });
    expect(page.url()).toBe(`${suite.served.baseUrl}/`);
    expect(await page.locator('h1').textContent()).toBe('How can we help?');
    await context.close();
  });
});
