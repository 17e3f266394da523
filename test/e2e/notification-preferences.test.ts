/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createUser } from '../support/actors.js';
import { signInOnPage as signIn, useServedAppInBrowser, watchProblems } from '../support/browser.js';

const suite = useServedAppInBrowser({ env: { MFA_REQUIRED_ROLES: 'none' } });

/** Signs in (each role lands on its own home), then opens the account page. */
async function signInOnPage(page: Page, baseUrl: string, email: string): Promise<void> {
  await signIn(page, baseUrl, email);
  await page.goto(`${baseUrl}/account`);
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
    // Leaving the landing page (My tickets) ends its event stream: that abort is no problem.
    const failed = problems.failedRequests.filter((r) => !/\/stream: net::ERR_ABORTED$/.test(r));
    expect({ ...problems, failedRequests: failed }).toEqual({ console: [], csp: [], failedRequests: [] });
    await context.close();

    const agent = await createUser(suite.served, ['agent']);
    const agentContext = await suite.browser.newContext();
    const agentPage = await agentContext.newPage();
    await signInOnPage(agentPage, suite.served.baseUrl, agent.email);
    await expect(agentPage.isChecked('#notify-customer_reply')).resolves.toBe(true);
    await agentContext.close();
  }, 60_000);

  it('speaks Dutch to a Dutch profile', async () => {
    const customer = await createUser(suite.served, ['customer']);
    await suite.served.platform.database.system
      .updateTable('users')
      .set({ locale: 'nl' })
      .where('id', '=', customer.id)
      .execute();
    const context = await suite.browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await signInOnPage(page, suite.served.baseUrl, customer.email);
    await expect(page.locator('#notifications-heading').textContent()).resolves.toBe('Meldingen');
    await expect(
      page
        .locator('label[for], label')
        .filter({ has: page.locator('#notify-agent_reply') })
        .textContent(),
    ).resolves.toContain('Het team reageert op een vraag van mij');
    await page.click('button:has-text("Meldingen opslaan")');
    await expect(page.locator('main').textContent()).resolves.toContain(
      'Je meldingsinstellingen zijn opgeslagen.',
    );
    await context.close();
  });
});
