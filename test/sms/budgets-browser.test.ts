/// <reference lib="dom" />
import { describe, expect, it } from 'vitest';
import { createUser } from '../support/actors.js';
import { sweep } from '../support/axe.js';
import { signInOnPage, useServedAppInBrowser, watchProblems } from '../support/browser.js';

/**
 * Issue 20, budgets in Chromium: an SMS administrator sets a person's budget with a hard stop on
 * /admin/sms/numbers (a bad amount is refused beside its field), sees it with this month's
 * spending, and removes it; the page passes axe in light and dark, wide and narrow.
 */
const suite = useServedAppInBrowser({ env: { MFA_REQUIRED_ROLES: 'none' } });

describe('budgets on the numbers page', () => {
  it('sets a budget, shows it with its spending, and removes it', async () => {
    const { served, browser } = suite;
    const admin = await createUser(served, ['admin']);
    const agent = await createUser(served, ['agent']);
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const problems = await watchProblems(page);
    await signInOnPage(page, served.baseUrl, admin.email);
    await page.goto(`${served.baseUrl}/admin/sms/numbers`);
    const budgets = page.locator('[data-testid="budgets"]');
    await expect(budgets.textContent()).resolves.toContain('No budgets yet.');

    await page.fill('#budget-owner', agent.email);
    await page.fill('#budget-amount', 'lots');
    await page.click('button:has-text("Set budget")');
    await expect(page.locator('#budget-amount-error').textContent()).resolves.toContain('amount above 0');
    await expect(page.inputValue('#budget-owner')).resolves.toBe(agent.email);

    await page.fill('#budget-amount', '25');
    await page.check('#budget-hardStop');
    await page.click('button:has-text("Set budget")');
    await expect(page.locator('main').textContent()).resolves.toContain('Budget saved.');
    const row = page.locator('[data-testid="budget-row"]');
    await expect(row.count()).resolves.toBe(1);
    const text = (await row.textContent())!.replace(/\s+/g, ' ');
    expect(text).toContain(agent.display_name);
    expect(text).toContain('25.00');
    expect(text).toContain('0.00000 (0 %)');
    expect(text).toContain('Stops texts at 100 %');

    expect(await sweep(page)).toEqual([]);

    await page.click(`button[aria-label="Remove the budget of ${agent.display_name}"]`);
    await expect(page.locator('main').textContent()).resolves.toContain('Budget removed.');
    await expect(row.count()).resolves.toBe(0);
    expect(problems.console.filter((m) => !m.includes('status of 400'))).toEqual([]);
    expect(problems.csp).toEqual([]);
    await context.close();
  }, 90_000);
});
