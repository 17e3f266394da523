/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useServedAppInBrowser, watchProblems } from '../support/browser.js';
import { totpCode } from '../support/totp.js';

const suite = useServedAppInBrowser({ runsJobs: true });

/** Opens the newest outbox mail whose subject matches and follows its first link. */
async function followMailLink(page: Page, subject: RegExp): Promise<void> {
  for (let tries = 0; tries < 40; tries++) {
    await page.goto(`${suite.served.baseUrl}/admin/outbox`);
    const item = page.locator('a', { hasText: subject }).first();
    if ((await item.count()) > 0) {
      await item.click();
      await page.locator('[data-testid="mail-text"] a').first().click();
      return;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no mail matching ${subject} in the outbox`);
}

describe('a newcomer in Chromium', () => {
  it('signs up, confirms by the mail in the dev outbox (which signs in), turns on TOTP, and signs in again with it', async () => {
    const page = await suite.browser.newPage();
    const problems = await watchProblems(page);
    const email = `newcomer-${Date.now()}@example.com`;
    const password = 'tangerine-orbit-41';

    await page.goto(`${suite.served.baseUrl}/signup`);
    await page.fill('#field-displayName', 'Nadia Newcomer');
    await page.fill('#field-email', email);
    await page.fill('#field-password', password);
    await page.click('button[type=submit]');
    await expect(page.locator('h1').textContent()).resolves.toBe('Confirm your email');

    // Opened in the browser that signed up: confirming signs in and lands on My tickets.
    await followMailLink(page, /Confirm your email address/);
    await page.click('button[type=submit]');
    await page.waitForURL(`${suite.served.baseUrl}/tickets`);

    await page.goto(`${suite.served.baseUrl}/account/security`);
    await page.click('button:has-text("Add authenticator app")');
    const secret = (await page.locator('[data-testid="totp-secret"]').textContent())!.trim();
    expect(await page.locator('svg').count()).toBeGreaterThan(0);
    const enrolledAt = Date.now();
    await page.fill('#field-code', totpCode(secret, enrolledAt));
    await page.click('button:has-text("Turn on")');
    await expect(page.locator('[data-testid="backup-codes"] li').count()).resolves.toBe(10);

    await page.goto(`${suite.served.baseUrl}/account`);
    await page.click('main button:has-text("Sign out")');
    await page.waitForURL(`${suite.served.baseUrl}/login`);
    await page.fill('#field-email', email);
    await page.fill('#field-password', password);
    await page.click('button:has-text("Sign in")');
    await page.waitForURL(`${suite.served.baseUrl}/mfa`);
    await page.fill('#field-code', totpCode(secret, enrolledAt + 30_000));
    await page.click('button:has-text("Continue")');
    await page.waitForURL(`${suite.served.baseUrl}/tickets`);
    await page.goto(`${suite.served.baseUrl}/account`);
    await expect(page.locator('main').textContent()).resolves.toContain(email);

    expect(problems.csp).toEqual([]);
    expect(problems.console).toEqual([]);
    await page.close();
  }, 60_000);
});
