/// <reference lib="dom" />
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { freePort } from '../../src/platform/process/free-port.js';
import { TEST_PASSWORD } from './accounts.js';
import { buildTestApp, type TestApp, type TestAppOptions } from './app.js';

/** Debian's Chromium, headless, with nothing that reaches for the network on its own. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface ServedApp extends TestApp {
  baseUrl: string;
}

/**
 * The test app listening on a free loopback port, for a real browser to visit. PUBLIC_URL is that
 * address, so links the app mails point back at it.
 */
export async function serveTestApp(
  options: TestAppOptions & {
    /** `localhost` where the page needs a domain, not an IP address (WebAuthn relying party ids). */
    hostname?: '127.0.0.1' | 'localhost';
  } = {},
): Promise<ServedApp> {
  const port = await freePort();
  const baseUrl = `http://${options.hostname ?? '127.0.0.1'}:${port}`;
  const t = await buildTestApp({ ...options, env: { PUBLIC_URL: baseUrl, ...options.env } });
  await t.app.listen({ port, host: '127.0.0.1' });
  return { ...t, baseUrl };
}

export interface PageProblems {
  console: string[];
  /** Everything the page's Content-Security-Policy blocked, as `directive: blocked URI`. */
  csp: string[];
  failedRequests: string[];
}

/**
 * Starts recording what went wrong on a page: console errors, uncaught exceptions, failed requests
 * and CSP violations. Call before `page.goto`. The violation listener is installed through the
 * DevTools protocol, so the page's own CSP does not block it.
 */
export async function watchProblems(page: Page): Promise<PageProblems> {
  const problems: PageProblems = { console: [], csp: [], failedRequests: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') problems.console.push(message.text());
  });
  page.on('pageerror', (error) => problems.console.push(`uncaught: ${error.message}`));
  page.on('requestfailed', (request) =>
    problems.failedRequests.push(`${request.url()}: ${request.failure()?.errorText ?? 'failed'}`),
  );
  await page.exposeFunction('__reportCspViolation', (violation: string) => problems.csp.push(violation));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { __reportCspViolation(v: string): void }).__reportCspViolation;
      report(`${event.effectiveDirective}: ${event.blockedURI || 'inline'}`);
    });
  });
  return problems;
}

export interface BrowserSuite {
  served: ServedApp;
  browser: Browser;
}

/**
 * For a test file that drives the app in Chromium: serves a test app and launches the browser
 * before the tests, closes both after. Read `served` and `browser` from the returned object inside
 * tests (they are set once `beforeAll` has run).
 */
export function useServedAppInBrowser(options: Parameters<typeof serveTestApp>[0] = {}): BrowserSuite {
  const suite = {} as BrowserSuite;
  beforeAll(async () => {
    [suite.served, suite.browser] = await Promise.all([serveTestApp(options), launchBrowser()]);
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.served?.close();
  });
  return suite;
}

/**
 * Signs in on the sign-in page with the test password and waits for the account page (staff roles
 * need MFA_REQUIRED_ROLES=none in the app's settings).
 */
export async function signInOnPage(page: Page, baseUrl: string, email: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.fill('#field-email', email);
  await page.fill('#field-password', TEST_PASSWORD);
  await page.click('button:has-text("Sign in")');
  // Each role lands on its own home (or where it was going): anywhere but the sign-in page.
  await page.waitForURL((url) => url.href.startsWith(baseUrl) && !url.pathname.startsWith('/login'));
}
