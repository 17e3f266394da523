import { describe, expect, it } from 'vitest';
import { createUser } from '../support/actors.js';
import { sweep } from '../support/axe.js';
import { signInOnPage, useServedAppInBrowser, watchProblems } from '../support/browser.js';
import { mailTo } from '../support/outbox.js';

const suite = useServedAppInBrowser({ env: { MFA_REQUIRED_ROLES: 'none' }, runsJobs: true });

/** Screenshots of each step, kept with the run's artefacts (test-results/ is not committed). */
const shot = (page: { screenshot(o: { path: string; fullPage: boolean }): Promise<unknown> }, name: string) =>
  page.screenshot({ path: `test-results/leads/${name}.png`, fullPage: true });

/** The form refuses anything sent within two seconds of showing it; a person takes longer. */
const MIN_FILL_MS = 2_100;

describe('the contact form and the leads pipeline, in Chromium', () => {
  it('a visitor writes from the footer’s Contact link; an admin finds the lead, moves it, notes it, converts and deletes it', async () => {
    const { baseUrl } = suite.served;
    const admin = await createUser(suite.served, ['admin']);
    const context = await suite.browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const problems = await watchProblems(page);

    await page.goto(baseUrl);
    await page.click('footer a:has-text("Contact")');
    await page.waitForURL(`${baseUrl}/contact`);
    await page.fill('#field-name', 'Lotte <b>Lead</b>');
    await page.fill('#field-email', 'lotte-lead@example.com');
    await page.fill('#field-company', 'Lotte & Zonen');
    await page.selectOption('#field-service', 'Installation');
    await page.fill('#field-message', 'We move offices next month and need the network set up.');
    await page.check('#field-consent');
    await shot(page, '01-contact');
    await page.waitForTimeout(MIN_FILL_MS);
    await page.click('button:has-text("Send message")');
    await page.waitForURL(`${baseUrl}/contact/sent`);
    await expect(page.locator('h1').textContent()).resolves.toContain('Thank you');
    const [mail] = await mailTo(suite.served, admin.email);
    expect(mail!.subject).toBe('New lead: Lotte <b>Lead</b> (Lotte & Zonen)');

    await signInOnPage(page, baseUrl, admin.email);
    await page.goto(`${baseUrl}/admin`);
    await page.click('main nav a:has-text("Leads")');
    await page.waitForURL(`${baseUrl}/admin/leads`);
    const row = page.locator('[data-testid="lead-row"]', { hasText: 'lotte-lead@example.com' });
    await expect(row.locator('[data-testid="lead-stage"]').textContent()).resolves.toBe('New');
    await shot(page, '02-list');
    await row.locator('a').click();
    await expect(page.locator('[data-testid="lead-name"]').textContent()).resolves.toBe('Lotte <b>Lead</b>');

    await page.selectOption('#field-stage', 'contacted');
    await page.selectOption('#field-ownerId', { label: admin.display_name });
    await page.click('#lead-pipeline ~ form button:has-text("Save")');
    await expect(page.locator('[role="status"]').first().textContent()).resolves.toContain('Saved.');
    await expect(
      page.locator('h1 ~ [data-testid="lead-stage"], [data-testid="lead-stage"]').first().textContent(),
    ).resolves.toBe('Contacted');

    await page.fill('#field-body', 'Called: site visit on Monday.');
    await page.click('button:has-text("Save note")');
    await expect(page.locator('[data-testid="lead-notes"]').textContent()).resolves.toContain(
      'Called: site visit on Monday.',
    );
    await shot(page, '03-lead');

    await page.click('button:has-text("Convert to customer")');
    await expect(page.locator('[data-testid="lead-ticket"]').textContent()).resolves.toMatch(
      /Open ticket SB-\d+/,
    );
    await page.click('[data-testid="lead-ticket"]');
    await page.waitForURL(/\/inbox\/SB-\d+$/);
    await expect(page.locator('h1').textContent()).resolves.toContain(
      'Installation: Lotte <b>Lead</b> (Lotte & Zonen)',
    );
    await page.goBack();

    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.accept();
    });
    await page.click('button:has-text("Delete lead")');
    await page.waitForURL(`${baseUrl}/admin/leads?done=deleted`);
    expect(asked).toBe('Delete the lead of Lotte <b>Lead</b>? This cannot be undone.');
    await expect(page.locator('body').textContent()).resolves.not.toContain('lotte-lead@example.com');

    expect(problems.console).toEqual([]);
    expect(problems.csp).toEqual([]);
    await context.close();
  }, 120_000);
});

describe('the contact and leads pages, checked by axe', () => {
  it('have no WCAG 2.2 AA violation at 1280 px light and 320 px dark, in English and Dutch, refused form included', async () => {
    const { baseUrl } = suite.served;
    const context = await suite.browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${baseUrl}/contact`);
    expect(await sweep(page, 'test-results/leads/axe-contact')).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.click('button:has-text("Send message")');
    await expect(page.locator('#field-consent-error').isVisible()).resolves.toBe(true);
    expect(await sweep(page, 'test-results/leads/axe-contact-refused')).toEqual([]);
    await page.goto(`${baseUrl}/contact/sent`);
    expect(await sweep(page, 'test-results/leads/axe-contact-sent')).toEqual([]);
    const dutch = await suite.browser.newContext({
      locale: 'nl-NL',
      extraHTTPHeaders: { 'accept-language': 'nl' },
    });
    const nl = await dutch.newPage();
    await nl.goto(`${baseUrl}/contact`);
    await expect(nl.locator('h1').textContent()).resolves.toBe('Neem contact op');
    expect(await sweep(nl, 'test-results/leads/axe-contact-nl')).toEqual([]);
    await dutch.close();

    const admin = await createUser(suite.served, ['admin']);
    const lead = await suite.served.platform.database.db
      .insertInto('leads')
      .values({
        name: 'Axe Lead',
        email: 'axe-lead@example.com',
        phone: '+31 20 123 4567',
        company: 'Axe BV',
        service: 'Advice',
        message: 'A question.',
        locale: 'nl',
        consent_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await signInOnPage(page, baseUrl, admin.email);
    for (const [path, name] of [
      ['/admin/leads', 'list'],
      [`/admin/leads/${lead.id}`, 'lead'],
      ['/admin/leads/settings', 'settings'],
      ['/admin/leads?stage=won', 'list-empty'],
    ] as const) {
      await page.goto(`${baseUrl}${path}`);
      expect(await sweep(page, `test-results/leads/axe-${name}`)).toEqual([]);
    }
    await context.close();
  }, 240_000);
});
