/// <reference lib="dom" />
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createVerifiedAccount, TEST_PASSWORD } from '../support/accounts.js';
import { useServedAppInBrowser, watchProblems } from '../support/browser.js';
import { waitFor } from '../support/wait.js';

const suite = useServedAppInBrowser({ runsJobs: true });

async function textedCode(phone: string): Promise<string> {
  let body = '';
  await waitFor(
    async () => {
      const { rows } = await sql<{ body_text: string }>`select body_text from outbox_messages
        where channel = 'sms' and recipient = ${phone} order by created_at desc`.execute(
        suite.served.platform.database.db,
      );
      body = rows[0]?.body_text ?? '';
      return rows.length > 0;
    },
    15_000,
    `a text to ${phone}`,
  );
  return /\b(\d{6})\b/.exec(body)![1]!;
}

describe('the profile page in Chromium', () => {
  it('edits name, company, language and time zone, refuses bad input by field, and verifies a phone', async () => {
    const email = await createVerifiedAccount(suite.served, 'profile');
    const page = await suite.browser.newPage();
    page.setDefaultTimeout(10_000);
    const problems = await watchProblems(page);
    await page.goto(`${suite.served.baseUrl}/account`);
    await page.waitForURL(`${suite.served.baseUrl}/login?next=%2Faccount`);
    await page.fill('#field-email', email);
    await page.fill('#field-password', TEST_PASSWORD);
    await page.click('button:has-text("Sign in")');
    await page.waitForURL(`${suite.served.baseUrl}/account`);
    await expect(page.locator('[data-testid="email"]').textContent()).resolves.toBe(email);

    await page.fill('#field-displayName', 'Grace Hopper');
    await page.fill('#field-company', 'Navy Computing');
    await page.selectOption('#field-locale', 'en');
    await page.selectOption('#field-timeZone', 'Europe/Amsterdam');
    await page.click('button:has-text("Save profile")');
    await expect(page.locator('main').textContent()).resolves.toContain('Your profile is saved.');
    await page.reload();
    await expect(page.inputValue('#field-displayName')).resolves.toBe('Grace Hopper');
    await expect(page.inputValue('#field-timeZone')).resolves.toBe('Europe/Amsterdam');
    const saved = await suite.served.platform.database.db
      .selectFrom('users')
      .select(['display_name', 'company', 'locale', 'time_zone'])
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    expect(saved).toEqual({
      display_name: 'Grace Hopper',
      company: 'Navy Computing',
      locale: 'en',
      time_zone: 'Europe/Amsterdam',
    });

    // Bad input comes back next to its field, with what was typed kept, and nothing is saved.
    await page.fill('#field-displayName', '');
    await page.selectOption('#field-timeZone', 'Asia/Tokyo');
    await page.click('button:has-text("Save profile")');
    await expect(page.locator('#field-displayName-error').textContent()).resolves.toContain(
      'Enter your name',
    );
    await expect(page.inputValue('#field-timeZone')).resolves.toBe('Asia/Tokyo');
    await page.fill('#field-displayName', 'Grace Hopper');
    await page.selectOption('#field-timeZone', 'Europe/Amsterdam');

    // Phone: a malformed number is refused; a real one gets a texted code that verifies it.
    await page.fill('#field-phone', '0612');
    await page.click('button:has-text("Text me a code")');
    await expect(page.locator('#field-phone-error').textContent()).resolves.toContain(
      'Use international format',
    );
    const phone = `+3161${String(Date.now()).slice(-7)}`;
    await page.fill('#field-phone', phone);
    await page.click('button:has-text("Text me a code")');
    await page.fill('#field-code', '000000');
    await page.click('button:has-text("Verify")');
    await expect(page.locator('main').textContent()).resolves.toContain('That code is not valid');
    await page.fill('#field-code', await textedCode(phone));
    await page.click('button:has-text("Verify")');
    await expect(page.locator('[data-testid="phone-status"]').textContent()).resolves.toContain(
      `${phone} · verified`,
    );

    // Nederlands: the page after saving speaks Dutch; Automatic (browser) saves null for both.
    await page.selectOption('#field-locale', 'nl');
    await page.click('button:has-text("Save profile")');
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('nl');
    await expect(page.locator('main').textContent()).resolves.toContain('Je profiel is opgeslagen.');
    await page.selectOption('#field-locale', '');
    await page.selectOption('#field-timeZone', '');
    await page.click('button:has-text("Profiel opslaan")');
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
    const automatic = await suite.served.platform.database.db
      .selectFrom('users')
      .select(['locale', 'time_zone'])
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    expect(automatic).toEqual({ locale: null, time_zone: null });

    // The refusals above answer 400 and 401, which Chromium logs; anything else is a problem.
    expect(problems.console.filter((m) => !/status of 40[01]/.test(m))).toEqual([]);
    expect(problems.csp).toEqual([]);
    expect(problems.failedRequests).toEqual([]);
    await page.close();
  }, 60_000);
});
