import { describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/modules/auth/passwords/hash.js';
import { TEST_PASSWORD } from '../support/accounts.js';
import { createUser, signInAs } from '../support/actors.js';
import { sweep } from '../support/axe.js';
import { useServedAppInBrowser, watchProblems } from '../support/browser.js';
import { mailTo } from '../support/outbox.js';

const suite = useServedAppInBrowser({
  env: { MFA_REQUIRED_ROLES: 'none', NOTIFY_DIGEST_DELAY_SECONDS: '0' },
  runsJobs: true,
});

/** Screenshots of each step, kept with the run's artefacts (test-results/ is not committed). */
const shot = (page: { screenshot(o: { path: string; fullPage: boolean }): Promise<unknown> }, name: string) =>
  page.screenshot({ path: `test-results/help-flow/${name}.png`, fullPage: true });

describe('asking for help without an account, in Chromium', () => {
  it('from the home page: ask, get the receipt at once, confirm and land on the ticket; the reply mail’s link leads back through sign-in', async () => {
    const { baseUrl } = suite.served;
    const email = `newcomer-${Date.now()}@example.com`;
    const page = await suite.browser.newPage();
    page.setDefaultTimeout(10_000);
    const problems = await watchProblems(page);

    await page.goto(baseUrl);
    await page.click('main a:has-text("Ask for help")');
    await page.waitForURL(`${baseUrl}/help`);
    await page.fill('#field-name', 'Nora Newcomer');
    await page.fill('#field-email', email);
    await page.fill('#field-subject', 'Cannot print invoices');
    await page.fill('#field-body', 'The invoice PDF comes out **blank**.');
    await shot(page, '01-ask');
    await page.click('button:has-text("Send my question")');
    await page.waitForURL(`${baseUrl}/help/sent`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Check your mail');

    // The receipt comes at once (no digest delay for it), with the link that confirms the address.
    const [receipt] = await mailTo(suite.served, email);
    expect(receipt!.subject).toMatch(/^\[SB-\d+\] Request received: Cannot print invoices$/);
    const link = /(http\S+\/help\/confirm\?token=[\w-]+&ticket=(SB-\d+))/.exec(receipt!.body_text);
    expect(link).not.toBeNull();
    const [, confirmUrl, key] = link!;
    await page.goto(confirmUrl!);
    await shot(page, '02-confirm');
    await page.click('button:has-text("Confirm and open my request")');
    await page.waitForURL(`${baseUrl}/tickets/${key}`);
    await expect(page.locator('h1').textContent()).resolves.toContain('Cannot print invoices');
    await expect(page.locator('[data-testid="body"]').first().innerHTML()).resolves.toContain(
      '<strong>blank</strong>',
    );
    await shot(page, '03-ticket');

    // An agent answers; the customer's mail links to the ticket.
    const agent = await signInAs(suite.served.app, (await createUser(suite.served, ['agent'])).email);
    const ticket = await suite.served.platform.database.system
      .selectFrom('tickets')
      .select('id')
      .where('number', '=', key!.replace('SB-', ''))
      .executeTakeFirstOrThrow();
    const reply = await agent.post(`/api/v1/tickets/${ticket.id}/messages`, {
      body: 'Please try **Print as image** in the dialog.',
    });
    expect(reply.statusCode, reply.body).toBe(201);
    const mails = await mailTo(suite.served, email, 2);
    const notice = mails.find((m) => m.body_text.includes('Print as image'))!;
    expect(notice).toBeDefined();
    expect(notice.body_text).toContain(`${baseUrl}/tickets/${key}`);

    // Followed while signed out (another browser): sign-in first, then the ticket.
    const context = await suite.browser.newContext();
    const elsewhere = await context.newPage();
    elsewhere.setDefaultTimeout(10_000);
    await elsewhere.goto(`${baseUrl}/tickets/${key}`);
    await elsewhere.waitForURL(`${baseUrl}/login?next=%2Ftickets%2F${key}`);
    await shot(elsewhere, '04-sign-in');
    // The account has no password yet (asked without one); say the customer has set one since.
    await suite.served.platform.database.system
      .updateTable('users')
      .set({ password_hash: await hashPassword(TEST_PASSWORD), password_changed_at: new Date() })
      .where('email', '=', email)
      .execute();
    await elsewhere.fill('#field-email', email);
    await elsewhere.fill('#field-password', TEST_PASSWORD);
    await elsewhere.click('button:has-text("Sign in")');
    await elsewhere.waitForURL(`${baseUrl}/tickets/${key}`);
    await expect(elsewhere.locator('#thread').textContent()).resolves.toContain('Print as image');
    await shot(elsewhere, '05-back-on-the-ticket');
    await context.close();

    expect(problems.console).toEqual([]);
    expect(problems.csp).toEqual([]);
    await page.close();
  }, 90_000);
});

describe('the help pages, checked by axe', () => {
  it('have no WCAG 2.2 AA violation at 1280 px light and 320 px dark, refused form and link pages included', async () => {
    const { baseUrl } = suite.served;
    const context = await suite.browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${baseUrl}/help`);
    expect(await sweep(page, 'test-results/help-flow/axe-help')).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.click('button:has-text("Send my question")');
    await expect(page.locator('#field-email-error').textContent()).resolves.toContain('email address');
    expect(await sweep(page, 'test-results/help-flow/axe-help-refused')).toEqual([]);
    await page.goto(`${baseUrl}/help/sent`);
    expect(await sweep(page, 'test-results/help-flow/axe-help-sent')).toEqual([]);
    await page.goto(`${baseUrl}/help/confirm?token=x&ticket=SB-1`);
    expect(await sweep(page, 'test-results/help-flow/axe-help-confirm')).toEqual([]);
    await context.close();
  }, 180_000);
});
