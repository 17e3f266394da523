/// <reference lib="dom" />
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/platform/process/free-port.js';
import { createUser } from '../support/actors.js';
import {
  launchBrowser,
  type ServedApp,
  serveTestApp,
  signInOnPage,
  watchProblems,
} from '../support/browser.js';

/**
 * Issue 19 in Chromium: an administrator adds a support address, generates a forwarding secret and
 * sends a test mail that leaves through the app's mailer (SMTP into the app's own listener) and is
 * seen coming back, on pages that refresh themselves meanwhile.
 */
const SUPPORT = 'support@e2e-mail.example';
let served: ServedApp;
let browser: Browser;

beforeAll(async () => {
  const port = await freePort();
  [served, browser] = await Promise.all([
    serveTestApp({
      runsJobs: true,
      env: {
        MFA_REQUIRED_ROLES: 'none',
        SUPPORT_ADDRESSES: SUPPORT,
        MAIL_FROM: 'Switchboard <desk@e2e-mail.example>',
        MAIL_TRANSPORT: 'smtp',
        SMTP_URL: `smtp://127.0.0.1:${port}`,
        INBOUND_SMTP_PORT: String(port),
        INBOUND_SMTP_HOST: '127.0.0.1',
      },
    }),
    launchBrowser(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await served?.close();
});

describe('the email channel’s settings in Chromium', () => {
  it('adds an address, generates a forwarding secret and watches a test mail come back', async () => {
    const admin = await createUser(served, ['admin']);
    const page = await browser.newPage();
    page.setDefaultTimeout(10_000);
    const problems = await watchProblems(page);
    const confirmations: string[] = [];
    page.on('dialog', (dialog) => {
      confirmations.push(dialog.message());
      void dialog.accept();
    });
    const main = () => page.locator('main').textContent();

    await signInOnPage(page, served.baseUrl, admin.email);
    await page.goto(`${served.baseUrl}/admin/mail`);
    const tabs = page.locator('[data-testid="mail-sections"]');
    await tabs.getByRole('link', { name: 'Addresses' }).click();
    await page.waitForURL(`${served.baseUrl}/admin/mail/addresses`);
    await expect(main()).resolves.toContain(SUPPORT);

    await page.fill('#new-address-address', 'not an address');
    await page.click('button:has-text("Add address")');
    await expect(page.locator('#new-address-address-error').textContent()).resolves.toContain(
      'is not a mail address',
    );
    await page.fill('#new-address-address', 'Billing@E2E-Mail.example');
    await page.click('button:has-text("Add address")');
    await expect(main()).resolves.toContain('billing@e2e-mail.example added.');
    await expect(page.locator('[data-testid="mail-address"]').count()).resolves.toBe(2);

    await tabs.getByRole('link', { name: 'Forwarding' }).click();
    await page.waitForURL(`${served.baseUrl}/admin/mail/forwarding`);
    await expect(main()).resolves.toContain('No secret: the forwarding endpoint refuses all mail.');
    await expect(page.locator('[data-testid="forward-endpoint"]').textContent()).resolves.toBe(
      `${served.baseUrl}/api/v1/mail/inbound`,
    );
    await page.click('button:has-text("Generate a secret")');
    const secret = await page.locator('[data-testid="forward-secret"]').textContent();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await expect(main()).resolves.toContain('A secret generated here on');

    await tabs.getByRole('link', { name: 'Addresses' }).click();
    await page.selectOption('#check-address', SUPPORT);
    await page.click('button:has-text("Send a test mail")');
    await expect(main()).resolves.toContain(`Test mail sent to ${SUPPORT}.`);
    // The page reloads itself until the mail is back: no clicking needed.
    await page
      .locator('[data-testid="mail-check"][data-back="yes"]')
      .waitFor({ state: 'attached', timeout: 30_000 });
    expect(await page.locator('[data-testid="mail-check"]').first().textContent()).toMatch(
      /came back after [\d.]+ s via SMTP/,
    );
    await expect(page.locator('meta[http-equiv="refresh"]').count()).resolves.toBe(0);

    await page.click('button[aria-label="Remove billing@e2e-mail.example"]');
    await expect(main()).resolves.toContain('billing@e2e-mail.example removed.');
    expect(confirmations).toEqual(['Remove billing@e2e-mail.example? Mail to it is refused from then on.']);
    // The one error the console saw is the refused form's answer (400, the page with its message).
    expect(problems.console).toEqual([
      'Failed to load resource: the server responded with a status of 400 (Bad Request)',
    ]);
    expect(problems.csp).toEqual([]);
    await page.close();

    // Both pages fit a 320 px screen without scrolling sideways.
    const narrow = await browser.newPage({ viewport: { width: 320, height: 640 } });
    await signInOnPage(narrow, served.baseUrl, admin.email);
    for (const path of ['/admin/mail/addresses', '/admin/mail/forwarding']) {
      await narrow.goto(`${served.baseUrl}${path}`);
      const overflow = await narrow.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow, path).toBeLessThanOrEqual(0);
    }
    await narrow.close();
  }, 90_000);
});
