/// <reference lib="dom" />
import type { BrowserContext, Page } from 'playwright-core';
import { TEST_PASSWORD } from './accounts.js';

/**
 * Signs a browser context in through the JSON API (its cookies are the context's), which is quicker
 * than the sign-in page and does not depend on where sign-in lands. Staff roles need
 * MFA_REQUIRED_ROLES=none in the app's settings.
 */
export async function signInContext(context: BrowserContext, baseUrl: string, email: string): Promise<void> {
  const csrf = await context.request.get(`${baseUrl}/api/v1/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await context.request.post(`${baseUrl}/api/v1/auth/login`, {
    headers: { 'x-csrf-token': csrfToken, origin: baseUrl },
    data: { email, password: TEST_PASSWORD },
  });
  if (response.status() !== 200)
    throw new Error(`sign-in failed: ${response.status()} ${await response.text()}`);
}

/** Waits until the page's service worker has activated, and answers its state. */
export async function serviceWorkerActive(page: Page): Promise<string | undefined> {
  return page.evaluate(async () => {
    const worker = (await navigator.serviceWorker.ready).active;
    if (worker && worker.state !== 'activated')
      await new Promise((resolve) =>
        worker.addEventListener('statechange', () => worker.state === 'activated' && resolve(null)),
      );
    return worker?.state;
  });
}

/** The visible text of the page's main content, whitespace collapsed. */
export async function visibleText(page: Page, selector = 'body'): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: visible text is the point (no hidden or sr-only text).
  return (await page.locator(selector).innerText()).replace(/\s+/g, ' ').trim();
}
