/// <reference lib="dom" />
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../support/accounts.js';
import { createUser, signInAs } from '../support/actors.js';
import { sweep } from '../support/axe.js';
import { useServedAppInBrowser, watchProblems } from '../support/browser.js';
import type { SessionClient } from '../support/session-client.js';
import { waitFor } from '../support/wait.js';

const suite = useServedAppInBrowser({ env: { MFA_REQUIRED_ROLES: 'none' } });

/** Signs in by the form; agents land on their role's home. */
async function signIn(page: Page, email: string) {
  await page.goto(`${suite.served.baseUrl}/login`);
  await page.fill('#field-email', email);
  await page.fill('#field-password', TEST_PASSWORD);
  await page.click('button[type="submit"]');
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}
const text = async (page: Page, selector: string) =>
  (await page.locator(selector).first().textContent()) ?? '';
const count = async (page: Page, view: string) => Number(await text(page, `[data-testid="count-${view}"]`));
const counts = async (page: Page) => ({
  open: await count(page, 'open'),
  unassigned: await count(page, 'unassigned'),
  mine: await count(page, 'mine'),
  waiting: await count(page, 'waiting'),
  all: await count(page, 'all'),
});
const openTicket = async (customer: SessionClient, subject: string) => {
  const res = await customer.post('/api/v1/tickets', { subject, body: `About ${subject}.` });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; key: string; version: number };
};
const change = async (agent: SessionClient, ticket: { id: string; version: number }, body: object) => {
  const res = await agent.request('PATCH', `/api/v1/tickets/${ticket.id}`, body, {
    'if-match': `"${ticket.version}"`,
  });
  expect(res.statusCode, res.body).toBe(200);
};

describe('the helpdesk inbox in Chromium', () => {
  it('counts views under the filters, removes a filter by its chip, shows the bulk bar on selection, opens tickets beside the list and announces saved changes', async () => {
    const { served, browser } = suite;
    const agentUser = await createUser(served, ['agent']);
    const customer = await signInAs(served.app, (await createUser(served, ['customer'])).email);
    const agent = await signInAs(served.app, agentUser.email);
    const first = await openTicket(customer, 'Laptop will not boot');
    const mine = await openTicket(customer, 'Shared drive is slow');
    const waiting = await openTicket(customer, 'Badge does not open the door');
    await change(agent, mine, { assigneeId: agentUser.id });
    await change(agent, waiting, { status: 'waiting_on_customer', priority: 'urgent' });

    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(10_000);
    const problems = await watchProblems(page);
    await signIn(page, agentUser.email);
    await page.goto(`${served.baseUrl}/inbox`);
    await expect(counts(page)).resolves.toEqual({ open: 3, unassigned: 2, mine: 1, waiting: 1, all: 3 });
    await expect(page.locator('[data-row]').count()).resolves.toBe(3);

    // A filter from the folded form: every count follows it, and a chip says what is in force.
    await expect(page.isVisible('#field-priority')).resolves.toBe(false);
    await page.click('[data-testid="filters-toggle"]');
    await page.selectOption('#field-priority', 'urgent');
    await page.click('[data-testid="filters-apply"]');
    await page.waitForURL(/priority=urgent/);
    expect(page.url()).not.toMatch(/status=|category=|tag=/);
    await expect(counts(page)).resolves.toEqual({ open: 1, unassigned: 1, mine: 0, waiting: 1, all: 1 });
    await expect(page.locator('[data-row]').count()).resolves.toBe(1);
    const chip = page.locator('[data-chip="priority"]');
    await expect(chip.textContent()).resolves.toContain('Priority: Urgent');
    await chip.click();
    await page.waitForURL((url) => !url.search.includes('priority'));
    await expect(counts(page)).resolves.toEqual({ open: 3, unassigned: 2, mine: 1, waiting: 1, all: 3 });
    await expect(page.locator('[data-chip]').count()).resolves.toBe(0);

    // The bulk bar shows only while something is selected, and the count is announced.
    await expect(page.isVisible('[data-bulk-bar]')).resolves.toBe(false);
    await page.check(`#select-${first.id}`);
    await expect(page.isVisible('[data-bulk-bar]')).resolves.toBe(true);
    await expect(text(page, '[data-selected-count]')).resolves.toBe('1');
    await expect(text(page, '[data-selected-announce]')).resolves.toBe('1 selected');
    await page.uncheck(`#select-${first.id}`);
    await expect(page.isVisible('[data-bulk-bar]')).resolves.toBe(false);

    // Split view: the ticket opens beside the list under its own address; the list stays live.
    await waitFor(async () => (await text(page, '[data-live-status]')) === 'Live', 5000, 'the stream');
    await page.click(`[data-testid="row-${first.key}"] [data-open]`);
    await page.waitForURL(`${served.baseUrl}/inbox/${first.key}`);
    const pane = page.locator('[data-ticket-pane]');
    await pane.locator('[data-ticket-view] h1', { hasText: 'Laptop will not boot' }).waitFor();
    await expect(page.locator('[data-row]').count()).resolves.toBe(3);
    await expect(page.locator(`[data-testid="row-${first.key}"][data-open]`).count()).resolves.toBe(1);
    await page.screenshot({ path: 'test-results/inbox/split-1400.png', fullPage: true, caret: 'initial' });
    const later = await openTicket(customer, 'Printer offline');
    await page.locator(`[data-testid="row-${later.key}"]`).waitFor();
    await expect(count(page, 'open')).resolves.toBe(4);
    await expect(pane.locator('h1').textContent()).resolves.toContain('Laptop will not boot');
    // Back returns to the list; forward (or a reload) shows the ticket as a page of its own.
    await page.goBack();
    await page.waitForURL(/\/inbox\?view=open/);
    await page.locator('[data-ticket-list]').waitFor();
    await page.goForward();
    await page.waitForURL(`${served.baseUrl}/inbox/${first.key}`);
    await page.locator('[data-ticket-view]').waitFor();
    await expect(page.locator('[data-ticket-list]').count()).resolves.toBe(0);

    // A status change: the button is busy while the request runs, then post/redirect/get with a
    // polite announcement; reloading shows the page again without sending anything twice.
    await page.evaluate(() => {
      const button = document.querySelector('[data-testid="save-changes"]') as HTMLButtonElement;
      new MutationObserver(() => {
        if (button.getAttribute('aria-busy') === 'true') sessionStorage.setItem('seen-busy', 'yes');
        if (button.disabled) sessionStorage.setItem('seen-disabled', 'yes');
      }).observe(button, { attributes: true });
    });
    await page.selectOption('#field-status', 'in_progress');
    await page.click('[data-testid="save-changes"]');
    await page.waitForURL(`${served.baseUrl}/inbox/${first.key}?done=changed`);
    await expect(text(page, '[role="status"]')).resolves.toContain('Changes saved.');
    await expect(text(page, '[data-testid="ticket-status"]')).resolves.toBe('In progress');
    await expect(page.evaluate(() => sessionStorage.getItem('seen-busy'))).resolves.toBe('yes');
    await expect(page.evaluate(() => sessionStorage.getItem('seen-disabled'))).resolves.toBe('yes');
    const version = (await agent.get(`/api/v1/tickets/${first.id}`)).json().version;
    await page.reload();
    await expect(text(page, '[data-testid="ticket-status"]')).resolves.toBe('In progress');
    expect((await agent.get(`/api/v1/tickets/${first.id}`)).json().version).toBe(version);

    expect(problems.console, JSON.stringify(problems.console)).toEqual([]);
    expect(problems.csp).toEqual([]);
    const abandoned = /\/(stream|inbox\/list\?[^ ]*|inbox\/SB-\d+(\/activity\?v=\d+)?): net::ERR_ABORTED$/;
    expect(problems.failedRequests.filter((r) => !abandoned.test(r))).toEqual([]);
    await page.close();
  }, 120_000);

  it('speaks Dutch and shows times in the agent’s zone (Europe/Amsterdam)', async () => {
    const { served, browser } = suite;
    const agentUser = await createUser(served, ['agent']);
    const db = served.platform.database.db;
    await sql`update users set locale = 'nl', time_zone = 'Europe/Amsterdam' where id = ${agentUser.id}`.execute(
      db,
    );
    const customer = await signInAs(served.app, (await createUser(served, ['customer'])).email);
    const ticket = await openTicket(customer, 'Wifi in de kantine');
    const noon =
      await sql`update tickets set created_at = '2026-06-15T12:00:00Z', updated_at = '2026-06-15T12:00:00Z'
      where id = ${ticket.id}`.execute(db);
    expect(Number(noon.numAffectedRows)).toBe(1);

    const context = await browser.newContext({ locale: 'nl-NL', viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await signIn(page, agentUser.email);
    await page.goto(`${served.baseUrl}/inbox?view=all`);
    await expect(page.getAttribute('html', 'lang')).resolves.toBe('nl');
    await expect(text(page, 'h1')).resolves.toBe('Inbox');
    await expect(text(page, '[data-testid="view-unassigned"]')).resolves.toContain('Niet toegewezen');
    await expect(text(page, '[data-testid="view-open"]')).resolves.toContain('Alle open');
    await expect(text(page, '[data-testid="filters-toggle"]')).resolves.toContain('Filters');
    const row = page.locator(`[data-testid="row-${ticket.key}"]`);
    await expect(row.locator('[data-testid="priority"]').textContent()).resolves.toBe('Normaal');
    // 12:00 UTC in June is 14:00 in Amsterdam (summer time).
    const title = await row.locator('[data-testid="updated"] time').getAttribute('title');
    expect(title).toContain('14:00');
    expect(title).toMatch(/juni/);
    await page.goto(`${served.baseUrl}/inbox/${ticket.key}`);
    await expect(text(page, '[data-testid="ticket-priority"]')).resolves.toBe('prioriteit Normaal');
    await expect(text(page, 'main')).resolves.toContain('Wijzigingen opslaan');
    await expect(page.locator('time').first().getAttribute('title')).resolves.toContain('14:00');

    // At 320 px nothing scrolls sideways, and the tickets come before the (folded) views.
    await page.setViewportSize({ width: 320, height: 800 });
    for (const path of ['/inbox?view=all', `/inbox/${ticket.key}`]) {
      await page.goto(`${served.baseUrl}${path}`);
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow, path).toBe(0);
    }
    await page.goto(`${served.baseUrl}/inbox?view=all`);
    await expect(page.isVisible('[data-views-menu] ul')).resolves.toBe(false);
    await expect(page.isVisible(`[data-testid="row-${ticket.key}"]`)).resolves.toBe(true);
    await page.screenshot({ path: 'test-results/inbox/320-nl.png', fullPage: true });
    await context.close();
  }, 60_000);

  it('has no WCAG 2.2 AA findings on the inbox, a ticket and search, at 1280 px light and 320 px dark', async () => {
    const { served, browser } = suite;
    const agentUser = await createUser(served, ['agent']);
    const customer = await signInAs(served.app, (await createUser(served, ['customer'])).email);
    const ticket = await openTicket(customer, 'Monitor flickers');
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await signIn(page, agentUser.email);
    const found: string[] = [];
    for (const path of [
      '/inbox?view=all&priority=normal',
      `/inbox/${ticket.key}`,
      '/inbox/search?q=monitor',
    ]) {
      // Back to light before loading, so no colour is still fading from the last sweep's dark.
      await page.emulateMedia({ colorScheme: 'light' });
      await page.goto(`${served.baseUrl}${path}`);
      found.push(
        ...(await sweep(page, `test-results/inbox/axe-${path.split('?')[0]!.replaceAll('/', '_')}`)),
      );
    }
    // With a row selected the bulk bar shows; with the filters open, their fields.
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(`${served.baseUrl}/inbox?view=all`);
    await page.check(`#select-${ticket.id}`);
    await page.click('[data-testid="filters-toggle"]');
    found.push(...(await sweep(page)));
    expect(found, found.join('\n')).toEqual([]);
    await context.close();
  }, 180_000);
});
