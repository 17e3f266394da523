/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../support/accounts.js';
import { createUser } from '../support/actors.js';
import { useServedAppInBrowser, watchProblems } from '../support/browser.js';

const suite = useServedAppInBrowser({ runsJobs: true, env: { MFA_REQUIRED_ROLES: 'none' } });

const heading = (page: Page) => page.locator('main h1').first().textContent();
const adminNav = (page: Page) => page.locator('main nav[aria-label="Admin"]');
/** The header's entry, which every admin page marks as current. */
const headerAdmin = (page: Page) =>
  page.locator('header nav[aria-label="Main"]:visible').getByRole('link', { name: 'Admin', exact: true });

async function signIn(page: Page, baseUrl: string, email: string) {
  await page.goto(`${baseUrl}/login`);
  await page.fill('#field-email', email);
  await page.fill('#field-password', TEST_PASSWORD);
  await page.click('button:has-text("Sign in")');
  await page.waitForURL((url) => url.pathname !== '/login');
}

/** Where each admin page was found, for the narrow-screen pass. */
const visited: { url: string; title: string }[] = [];

describe('the admin section, reached from the navigation alone', () => {
  it('takes an administrator to every admin page by clicking', async () => {
    const { served, browser } = suite;
    const admin = await createUser(served, ['admin']);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(10_000);
    const problems = await watchProblems(page);
    page.on('dialog', (dialog) => void dialog.accept());

    await signIn(page, served.baseUrl, admin.email);
    /** `record`: false for a page a form post rendered (its address lists, not shows, it). */
    const arrive = async (title: string | RegExp, { current = true, record = true } = {}) => {
      await page.waitForLoadState('load');
      if (typeof title === 'string') await expect(heading(page)).resolves.toBe(title);
      else expect(await heading(page)).toMatch(title);
      await expect(headerAdmin(page).getAttribute('aria-current')).resolves.toBe(current ? 'page' : null);
      await expect(adminNav(page).count()).resolves.toBe(1);
      if (record) visited.push({ url: page.url(), title: (await heading(page))! });
    };
    const openSection = async (name: string, title: string) => {
      await adminNav(page).getByRole('link', { name, exact: true }).click();
      await arrive(title);
      await expect(
        adminNav(page).getByRole('link', { name, exact: true }).getAttribute('aria-current'),
      ).resolves.toBe('page');
    };

    await headerAdmin(page).click();
    await arrive('Admin');
    // The overview links every admin page the viewer may open.
    const cards = await page.locator('main ul a').allTextContents();
    for (const name of [
      'Users',
      'Roles',
      'Categories',
      'Apps',
      'Audit log',
      'Mail',
      'Phone numbers',
      'Leads',
      'Outbox',
    ])
      expect(cards.some((c) => c.includes(name))).toBe(true);

    await openSection('Users', 'Users');
    await page.getByRole('link', { name: 'Invite someone' }).click();
    await arrive('Invite someone');
    const invited = `newcomer-${Date.now()}@example.com`;
    await page.fill('#field-email', invited);
    await page.fill('#field-displayName', 'Nina Newcomer');
    await page.click('button:has-text("Send invitation")');
    await arrive('Nina Newcomer');
    await page.getByRole('link', { name: '← Users' }).click();
    await arrive('Users');
    await page.getByRole('link', { name: admin.email }).click();
    await arrive(admin.display_name);

    await openSection('Roles', 'Roles and permissions');
    await openSection('Categories', 'Categories');
    await page.fill('#new-category-name', 'Hardware');
    await page.click('button:has-text("Add category")');
    await arrive('Categories');
    await expect(page.locator('[role="status"]').first().textContent()).resolves.toContain(
      'Category Hardware added.',
    );

    await openSection('Apps', 'Apps');
    await page.fill('#field-name', 'Nightly export');
    await page.check('input[name=grantTypes][value=client_credentials]');
    await page.check('input[name=scopes][value="tickets:read"]');
    await page.click('button:has-text("Register app")');
    await arrive('Nightly export', { record: false });
    await page.getByRole('link', { name: '← Apps' }).click();
    await arrive('Apps');
    await page.getByRole('link', { name: 'Nightly export' }).click();
    await arrive('Nightly export');

    await openSection('Audit log', 'Audit log');
    await expect(page.locator('main').textContent()).resolves.toContain('auth.user_invited');

    // The email channel's pages, by their tab bar.
    await openSection('Mail', 'Mail');
    const mailTab = (name: string) =>
      page.locator('main nav[data-testid="mail-sections"]').getByRole('link', { name, exact: true });
    for (const [tab, title] of [
      ['Addresses', 'Support addresses'],
      ['Mailboxes', 'IMAP mailboxes'],
      ['Forwarding', 'Forwarding from a mail provider'],
      ['Mail in', 'Mail'],
    ] as const) {
      await mailTab(tab).click();
      await arrive(title);
      await expect(mailTab(tab).getAttribute('aria-current')).resolves.toBe('page');
    }

    // The SMS channel's numbers (no Twilio here: the page says how to connect it).
    await openSection('Phone numbers', 'Phone numbers');
    await expect(page.locator('[data-testid="not-connected"]').textContent()).resolves.toContain(
      'SMS_TRANSPORT=twilio',
    );

    // The contact form's leads and the form's settings.
    await openSection('Leads', 'Leads');
    await page.getByRole('link', { name: 'Form settings' }).click();
    await arrive('Contact form settings');

    await openSection('Outbox', 'Outbox');
    // The invitation goes out through the job queue: wait for it to land.
    for (let i = 0; i < 20 && (await page.getByRole('link', { name: /invit/i }).count()) === 0; i++) {
      await page.waitForTimeout(500);
      await adminNav(page).getByRole('link', { name: 'Outbox', exact: true }).click();
      await page.waitForLoadState('load');
    }
    await page.getByRole('link', { name: /invit/i }).first().click();
    await arrive(/invit/i);
    await expect(page.locator('main').textContent()).resolves.toContain(invited);

    await headerAdmin(page).click();
    await arrive('Admin');
    expect(problems.console).toEqual([]);
    expect(problems.csp).toEqual([]);
    await page.close();
  }, 120_000);

  it('fits every admin page into 320 px without scrolling sideways, light and dark', async () => {
    const { served, browser } = suite;
    expect(visited.length).toBeGreaterThanOrEqual(17);
    const admin = await createUser(served, ['admin']);
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ viewport: { width: 320, height: 640 }, colorScheme });
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      await signIn(page, served.baseUrl, admin.email);
      for (const { url, title } of visited) {
        await page.goto(url);
        await expect(heading(page)).resolves.toBe(title);
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        expect(overflow, `${url} (${colorScheme})`).toBeLessThanOrEqual(0);
      }
      // Tables become lists: each cell names its column.
      await page.goto(visited.find((v) => v.title === 'Users')!.url);
      const label = await page
        .locator('tbody td')
        .first()
        .evaluate((cell) => getComputedStyle(cell, '::before').content);
      expect(label).toBe('"Email"');
      await context.close();
    }
  }, 120_000);

  it('shows a customer no Admin entry and refuses them /admin', async () => {
    const { served, browser } = suite;
    const customer = await createUser(served, ['customer']);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, served.baseUrl, customer.email);
    await expect(headerAdmin(page).count()).resolves.toBe(0);
    const refused = await page.goto(`${served.baseUrl}/admin`);
    expect(refused?.status()).toBe(403);
    await page.close();
  });
});
