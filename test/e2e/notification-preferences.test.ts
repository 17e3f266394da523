/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../support/accounts.js';
import { createUser } from '../support/actors.js';
import { useServedAppInBrowser, watchProblems } from '../support/browser.js';

const suite = useServedAppInBrowser({ env: { MFA_REQUIRED_ROLES: 'none' } });

async function signInOnPage(page: Page, baseUrl: string, email: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.fill('#field-email', email);
  await page.fill('#field-password', TEST_PASSWORD);
  await page.click('button:has-text("Sign in")');
  await page.waitForURL(`${baseUrl}/account`);
}

describe('notification settings on the account page in Chromium', () => {
  it('switches a kind off and keeps it off; the team also sees customer replies', async () => {
    const customer = await createUser(suite.served, ['customer']);
    const context = await suite.browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const problems = await watchProblems(page);
    await signInOnPage(page, suite.served.baseUrl, customer.email);

    await expect(page.isChecked('#notify-agent_reply')).resolves.toBe(true);
    await expect(page.locator('#notify-customer_reply').count()).resolves.toBe(0);
    await page.uncheck('#notify-agent_reply');
    await page.click('button:has-text("Save notifications")');
    await expect(page.locator('main').textContent()).resolves.toContain(
      'Your notification settings are saved.',
    );
    await page.reload();
    await expect(page.isChecked('#notify-agent_reply')).resolves.toBe(false);
    await expect(page.isChecked('#notify-status_changed')).resolves.toBe(true);
    const saved = await suite.served.platform.database.db
      .selectFrom('notification_preferences')
      .select(['kind', 'email'])
      .where('user_id', '=', customer.id)
      .orderBy('kind')
      .execute();
    expect(saved).toEqual([
      { kind: 'agent_reply', email: false },
      { kind: 'status_changed', email: true },
      { kind: 'ticket_created', email: true },
    ]);
    expect(problems).toEqual({ console: [], csp: [], failedRequests: [] });
    await context.close();

    const agent = await createUser(suite.served, ['agent']);
    const agentContext = await suite.browser.newContext();
    const agentPage = await agentContext.newPage();
    await signInOnPage(agentPage, suite.served.baseUrl, agent.email);
    await expect(agentPage.isChecked('#notify-customer_reply')).resolves.toBe(true);
    await agentContext.close();
  }, 60_000);
});
