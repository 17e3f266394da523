/// <reference lib="dom" />
import { describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../support/accounts.js';
import { createUser } from '../support/actors.js';
import { useServedAppInBrowser, watchProblems } from '../support/browser.js';
import { totpCode } from '../support/totp.js';

const suite = useServedAppInBrowser();

describe('setting up an authenticator app in Chromium', () => {
  it('forgives a wrong code: the same secret stays, the right code enrols it; codes copy, download, continue', async () => {
    const { served, browser } = suite;
    const customer = await createUser(served, ['customer']);
    const context = await browser.newContext();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: served.baseUrl });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const problems = await watchProblems(page);

    await page.goto(`${served.baseUrl}/login?next=${encodeURIComponent('/tickets/new')}`);
    await page.fill('#field-email', customer.email);
    await page.fill('#field-password', TEST_PASSWORD);
    await page.click('button:has-text("Sign in")');
    await page.waitForURL(`${served.baseUrl}/tickets/new`);
    await page.goto(`${served.baseUrl}/account/security`);
    await page.click('button:has-text("Add authenticator app")');
    const secret = (await page.locator('[data-testid="totp-secret"]').textContent())!.trim();
    const qr = await page.locator('svg').first().innerHTML();

    const wrong = String((Number(totpCode(secret)) + 500_000) % 1_000_000).padStart(6, '0');
    await page.fill('#field-code', wrong);
    await page.click('button:has-text("Turn on")');
    await expect(page.locator('#field-code-error').textContent()).resolves.toContain(
      'the QR code and key stay the same',
    );
    await expect(page.locator('[data-testid="totp-secret"]').textContent()).resolves.toBe(secret);
    await expect(page.locator('svg').first().innerHTML()).resolves.toBe(qr);

    await page.fill('#field-code', totpCode(secret));
    await page.click('button:has-text("Turn on")');
    const codes = await page.locator('[data-testid="backup-codes"] li').allTextContents();
    expect(codes).toHaveLength(10);
    const factors = await served.platform.database.db
      .selectFrom('mfa_factors')
      .select(['confirmed_at'])
      .where('user_id', '=', customer.id)
      .execute();
    expect(factors.filter((f) => f.confirmed_at)).toHaveLength(1);

    // Copy (the script shows the button), download (text, never cached), then continue home.
    await page.click('button:has-text("Copy codes")');
    // The status follows the clipboard write, which resolves after the click returns.
    await expect
      .poll(() => page.locator('[data-copy-status]').textContent(), { timeout: 5000 })
      .toBe('Copied');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied.trim().split('\n')).toEqual(codes.map((c) => c.trim()));
    const download = await page.evaluate(async () => {
      const res = await fetch('/account/security/backup-codes.txt');
      return {
        type: res.headers.get('content-type'),
        disposition: res.headers.get('content-disposition'),
        cache: res.headers.get('cache-control'),
        text: await res.text(),
      };
    });
    expect(download.type).toMatch(/^text\/plain/);
    expect(download.disposition).toMatch(/^attachment/);
    expect(download.cache).toBe('no-store');
    for (const code of codes) expect(download.text).toContain(code.trim());
    await page.click('a:has-text("Continue")');
    await page.waitForURL(`${served.baseUrl}/tickets`);

    // The wrong code answers 401, which Chromium logs; anything else is a problem.
    expect(problems.console.filter((m) => !/status of 401/.test(m))).toEqual([]);
    expect(problems.csp).toEqual([]);
    await context.close();
  }, 60_000);
});
