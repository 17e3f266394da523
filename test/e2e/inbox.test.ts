/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../support/accounts.js';
import { createUser, signInAs } from '../support/actors.js';
import { useServedAppInBrowser, watchProblems } from '../support/browser.js';
import type { SessionClient } from '../support/session-client.js';
import { waitFor } from '../support/wait.js';

const suite = useServedAppInBrowser({ env: { MFA_REQUIRED_ROLES: 'none' } });

/** Signs in by the form; people land on their role's home (the inbox for agents), not /account. */
const signInOnPage = async (page: Page, baseUrl: string, email: string) => {
  await page.goto(`${baseUrl}/login`);
  await page.fill('#field-email', email);
  await page.fill('#field-password', TEST_PASSWORD);
  await page.click('button:has-text("Sign in")');
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
};
const text = (page: Page, selector: string) => page.locator(selector).first().textContent();
const live = (page: Page) =>
  waitFor(async () => (await text(page, '[data-live-status]')) === 'Live', 5000, 'the stream to open');
const count = async (page: Page, view: string) => Number(await text(page, `[data-testid="count-${view}"]`));
const currentRow = (page: Page) => page.locator('[data-row][data-current]').getAttribute('data-testid');
const openTicket = async (customer: SessionClient, subject: string, tags: string[] = []) => {
  const res = await customer.post('/api/v1/tickets', { subject, body: `About ${subject}.`, tags });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; key: string; version: number };
};

describe('the agent inbox in Chromium', () => {
  it('follows new tickets live, filters, counts, bulk-changes and answers a ticket by keyboard', async () => {
    const { served, browser } = suite;
    const agentUser = await createUser(served, ['agent']);
    const customerUser = await createUser(served, ['customer']);
    const customer = await signInAs(served.app, customerUser.email);
    // Narrower than the split view: tickets open as pages of their own (inbox-split tests the other).
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.setDefaultTimeout(10_000);
    const problems = await watchProblems(page);
    await signInOnPage(page, served.baseUrl, agentUser.email);

    // New tickets appear in the open inbox, with its counts, without a reload.
    await page.goto(`${served.baseUrl}/inbox?view=unassigned`);
    await live(page);
    await expect(text(page, 'main')).resolves.toContain('No tickets here');
    const vpn = await openTicket(customer, 'VPN drops hourly', ['vpn']);
    await page.locator(`[data-testid="row-${vpn.key}"]`).waitFor();
    const mail = await openTicket(customer, 'Mailbox full');
    await page.locator(`[data-testid="row-${mail.key}"]`).waitFor();
    await expect(count(page, 'unassigned')).resolves.toBe(2);
    await expect(count(page, 'mine')).resolves.toBe(0);

    // j/k move through the rows, x selects; the bulk form changes both at the versions shown.
    await page.keyboard.press('j');
    await expect(currentRow(page)).resolves.toBe(`row-${mail.key}`);
    await page.keyboard.press('j');
    await expect(currentRow(page)).resolves.toBe(`row-${vpn.key}`);
    await page.keyboard.press('x');
    await page.keyboard.press('k');
    await expect(currentRow(page)).resolves.toBe(`row-${mail.key}`);
    await page.keyboard.press('x');
    await expect(text(page, '[data-selected-count]')).resolves.toBe('2');
    // Someone tags one of them meanwhile: the list reloads in place and the selection survives it.
    const teammate = await signInAs(served.app, agentUser.email);
    const tagged = await teammate.request(
      'PATCH',
      `/api/v1/tickets/${mail.id}`,
      { tags: ['quota'] },
      { 'if-match': `"${mail.version}"` },
    );
    expect(tagged.statusCode).toBe(200);
    await page.locator(`[data-testid="row-${mail.key}"] .badge`, { hasText: 'quota' }).waitFor();
    await expect(text(page, '[data-selected-count]')).resolves.toBe('2');
    await expect(page.isChecked(`#select-${mail.id}`)).resolves.toBe(true);
    await expect(currentRow(page)).resolves.toBe(`row-${mail.key}`);
    await page.selectOption('#bulk-assignee', 'me');
    await page.selectOption('#bulk-status', 'waiting_on_customer');
    await page.click('button:has-text("Apply to selected")');
    await expect(text(page, 'main')).resolves.toContain(`Changed ${mail.key}, ${vpn.key}.`);
    await expect(count(page, 'unassigned')).resolves.toBe(0);
    await expect(count(page, 'mine')).resolves.toBe(2);
    await expect(count(page, 'waiting')).resolves.toBe(2);

    // Filters are a GET form; each combination lists exactly its tickets.
    await page.goto(`${served.baseUrl}/inbox?view=all`);
    await page.click('[data-testid="filters-toggle"]');
    await page.fill('#field-tag', 'vpn');
    await page.click('[data-testid="filters-apply"]');
    await expect(page.locator('[data-row]').count()).resolves.toBe(1);
    await expect(page.locator(`[data-testid="row-${vpn.key}"]`).count()).resolves.toBe(1);
    await page.goto(`${served.baseUrl}/inbox?view=all&status=waiting_on_customer&assignee=me&channel=web`);
    await expect(page.locator('[data-row]').count()).resolves.toBe(2);
    await page.goto(`${served.baseUrl}/inbox?view=all&status=open`);
    await expect(page.locator('[data-row]').count()).resolves.toBe(0);
    await page.goto(`${served.baseUrl}/inbox?view=all&from=2000-01-01&to=2000-12-31`);
    await expect(page.locator('[data-row]').count()).resolves.toBe(0);

    // A third ticket arrives; o opens it; a claims it, r replies, n adds a note.
    await page.goto(`${served.baseUrl}/inbox?view=unassigned`);
    await live(page);
    const printer = await openTicket(customer, 'Printer jams');
    await page.locator(`[data-testid="row-${printer.key}"]`).waitFor();
    await page.keyboard.press('j');
    await page.keyboard.press('o');
    await page.waitForURL(`${served.baseUrl}/inbox/${printer.key}`);
    await live(page);
    await page.keyboard.press('?');
    await expect(page.locator('#shortcuts').isVisible()).resolves.toBe(true);
    await page.keyboard.press('Escape');
    await expect(page.locator('#shortcuts').isVisible()).resolves.toBe(false);
    await page.keyboard.press('a');
    await page.waitForURL(/done=claimed/);
    await expect(text(page, '[data-testid="ticket-assignee"]')).resolves.toContain(agentUser.display_name);

    await page.keyboard.press('r');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('field-body');
    await page.keyboard.type('Try the **rear** tray.');
    await page.click('button:has-text("Send")');
    await page.waitForURL(/done=reply/);
    await page.keyboard.press('n');
    await expect(page.isChecked('#visibility-internal')).resolves.toBe(true);
    await page.keyboard.type('Toner supplier is late.');
    await page.click('button:has-text("Send")');
    await page.waitForURL(/done=note/);
    const note = page.locator('[data-testid="message"][data-visibility="internal"]');
    await expect(note.textContent()).resolves.toContain('Internal note');
    await expect(note.textContent()).resolves.toContain('Toner supplier is late.');
    await expect(
      page.locator('[data-testid="message"][data-visibility="public"]').last().innerHTML(),
    ).resolves.toContain('<strong>rear</strong>');

    // Status through the side panel, then time: the list of entries and its total.
    await page.selectOption('#field-status', 'in_progress');
    await page.click('button:has-text("Save changes")');
    await page.waitForURL(/done=changed/);
    await expect(text(page, '[data-testid="ticket-status"]')).resolves.toBe('In progress');
    await expect(text(page, '[data-testid="timeline"]')).resolves.toContain(
      'changed the status from Open to In progress',
    );
    await page.fill('#field-minutes', '45');
    await page.fill('#field-note', 'Cleaned the rollers');
    await page.click('button:has-text("Log time")');
    await page.waitForURL(/done=time/);
    await expect(text(page, '[data-testid="time-entries"]')).resolves.toContain('Cleaned the rollers');
    await expect(text(page, '[data-testid="time-total"]')).resolves.toContain('Total 45 min');

    // The customer answers: the thread and timeline update in place; the page's fields are now stale.
    await live(page);
    await page.fill('#field-body', 'A draft that must not be lost');
    const answered = await customer.post(`/api/v1/tickets/${printer.id}/messages`, { body: 'Still jams.' });
    expect(answered.statusCode).toBe(201);
    await page.locator('[data-testid="message"]', { hasText: 'Still jams.' }).waitFor();
    await page.locator('[data-testid="changed-since"]').waitFor();
    await page.selectOption('#field-priority', 'urgent');
    await page.click('button:has-text("Save changes")');
    await expect(text(page, '[role="alert"], [role="status"]')).resolves.toContain(
      'Someone else changed this ticket',
    );
    await expect(page.inputValue('#field-priority')).resolves.toBe('urgent');
    await expect(page.inputValue('#field-body')).resolves.toBe('A draft that must not be lost');
    await page.click('button:has-text("Save changes")');
    await page.waitForURL(/done=changed/);
    await expect(text(page, '[data-testid="ticket-priority"]')).resolves.toBe('Urgent priority');

    // The stale save answered 412, which Chromium logs. Leaving a page ends its stream, and a live
    // reload that one's own change set off while the browser was already navigating is abandoned.
    expect(problems.console.filter((m) => !/status of 412/.test(m))).toEqual([]);
    expect(problems.csp).toEqual([]);
    const abandoned = /\/(stream|inbox\/list\?[^ ]*|inbox\/SB-\d+\/activity\?v=\d+): net::ERR_ABORTED$/;
    expect(problems.failedRequests.filter((r) => !abandoned.test(r))).toEqual([]);
    await page.close();
  }, 120_000);

  it('/ jumps to search from the list; results link to the tickets, best first', async () => {
    const { served, browser } = suite;
    const agentUser = await createUser(served, ['agent']);
    const customer = await signInAs(served.app, (await createUser(served, ['customer'])).email);
    const inSubject = await openTicket(customer, 'Scanner offline');
    const inBody = await customer.post('/api/v1/tickets', {
      subject: 'Question',
      body: 'Is the scanner covered?',
    });
    const page = await browser.newPage();
    page.setDefaultTimeout(10_000);
    await signInOnPage(page, served.baseUrl, agentUser.email);
    await page.goto(`${served.baseUrl}/inbox`);
    await page.keyboard.press('/');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('field-q');
    await page.keyboard.type('scanner');
    await page.keyboard.press('Enter');
    // The list's words filter keeps the view and shows both; the ranked search puts the subject first.
    await page.waitForURL(/\/inbox\?view=open&q=scanner/);
    await expect(page.locator('[data-row]').count()).resolves.toBe(2);
    await page.goto(`${served.baseUrl}/inbox/search?q=scanner`);
    const hits = await page
      .locator('[data-testid^="hit-"]')
      .evaluateAll((els) => els.map((e) => e.dataset.testid));
    expect(hits).toEqual([`hit-${inSubject.key}`, `hit-${inBody.json().key}`]);
    await page.click(`[data-testid="hit-${inSubject.key}"] a`);
    await page.waitForURL(`${served.baseUrl}/inbox/${inSubject.key}`);
    await page.close();
  });

  it('is not for customers', async () => {
    const customerUser = await createUser(suite.served, ['customer']);
    const customer = await signInAs(suite.served.app, customerUser.email);
    const ticket = await openTicket(customer, 'Where is my invoice');
    const page = await suite.browser.newPage();
    await signInOnPage(page, suite.served.baseUrl, customerUser.email);
    for (const path of ['/inbox', `/inbox/${ticket.key}`]) {
      const res = await page.goto(`${suite.served.baseUrl}${path}`);
      expect(res?.status()).toBe(403);
    }
    await page.close();
  }, 60_000);
});
