/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../support/actors.js';
import { axeFindings } from '../support/axe.js';
import { signInOnPage, useServedAppInBrowser, watchProblems } from '../support/browser.js';
import { type Dovecot, startDovecot } from '../support/dovecot.js';

/** Issue 19: an administrator adds an IMAP mailbox on /admin/mail/mailboxes and sees it polled. */
const suite = useServedAppInBrowser({
  runsJobs: true,
  env: { MFA_REQUIRED_ROLES: 'none', SUPPORT_ADDRESSES: 'desk@help.example' },
});
let dovecot: Dovecot;
beforeAll(async () => {
  dovecot = await startDovecot();
  await dovecot.addUser('desk@help.example', 'desk-app-password');
});
afterAll(() => dovecot?.stop());

describe('the mailboxes page in Chromium', () => {
  it('adds a mailbox, shows its poll result and mail taken, and removes it after asking', async () => {
    const { served, browser } = suite;
    const admin = await createUser(served, ['admin']);
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const problems = await watchProblems(page);
    await signInOnPage(page, served.baseUrl, admin.email);

    const client = await dovecot.client('desk@help.example', 'desk-app-password');
    await client.append(
      'INBOX',
      'From: Lin <lin@customer.example>\r\nTo: desk@help.example\r\nSubject: Badge stopped working\r\nMessage-ID: <badge-1@customer.example>\r\n\r\nMy badge no longer opens door 3.\r\n',
    );
    await client.logout();

    await page.goto(`${served.baseUrl}/admin/mail`);
    await page.click('[data-testid="mail-sections"] a:has-text("Mailboxes")');
    await page.waitForURL(`${served.baseUrl}/admin/mail/mailboxes`);
    await expect(page.locator('main').textContent()).resolves.toContain('No mailboxes yet');
    await page.fill('#new-mailbox-name', 'Desk');
    await page.fill('#new-mailbox-host', dovecot.host);
    await page.selectOption('#new-mailbox-tls', 'none');
    await page.fill('#new-mailbox-port', String(dovecot.port));
    await page.fill('#new-mailbox-username', 'desk@help.example');
    await page.fill('#new-mailbox-password', 'desk-app-password');
    await page.click('button:has-text("Add mailbox")');
    await expect(page.locator('main').textContent()).resolves.toContain('Mailbox Desk added');

    // The poll result shows once the poller has read the mailbox.
    const status = page.locator('[data-testid="mailbox-status"]');
    for (let i = 0; i < 40 && !(await status.textContent())?.includes('fine'); i++) {
      await page.waitForTimeout(250);
      await page.reload();
    }
    await expect(status.textContent()).resolves.toMatch(/Last poll .*: fine\..*1 taken in, 0 already had/s);
    expect(await axeFindings(page)).toEqual([]);

    await page.click('button:has-text("Test connection")');
    await expect(page.locator('main').textContent()).resolves.toContain(
      'Signed in to Desk: 0 messages wait in INBOX.',
    );

    const row = await served.platform.database.db
      .selectFrom('mail_inbound')
      .select(['source', 'subject'])
      .where('message_id', '=', '<badge-1@customer.example>')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ source: 'imap', subject: 'Badge stopped working' });

    await page.click('a:has-text("Remove")');
    await expect(page.locator('h1').textContent()).resolves.toBe('Remove Desk?');
    await page.click('button:has-text("Remove mailbox")');
    await expect(page.locator('main').textContent()).resolves.toContain('Mailbox Desk removed.');
    await expect(page.locator('[data-testid="mailbox-row"]').count()).resolves.toBe(0);

    expect(problems.console).toEqual([]);
    expect(problems.csp).toEqual([]);
    await context.close();
  }, 90_000);
});
