/// <reference lib="dom" />
import { describe, expect, it } from 'vitest';
import { createUser } from '../support/actors.js';
import { axeFindings } from '../support/axe.js';
import { signInOnPage, watchProblems } from '../support/browser.js';
import { useSmsAppInBrowser } from '../support/sms-app.js';
import { waitFor } from '../support/wait.js';

/**
 * Issue 20 in Chromium: an administrator buys a number on /admin/sms/numbers from the fake
 * Twilio (which then calls the served app's real webhook URL, signed), gives it to a colleague,
 * finds it pointed elsewhere and fixes it, and releases it after a confirm page; in Dutch too.
 */
const suite = useSmsAppInBrowser();

describe('the numbers page in Chromium', () => {
  it('buys, assigns, checks and releases a number; a text to it becomes a ticket', async () => {
    const { served, browser, twilio } = suite;
    const admin = await createUser(served, ['admin']);
    const agent = await createUser(served, ['agent']);
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const problems = await watchProblems(page);
    await signInOnPage(page, served.baseUrl, admin.email);

    await page.goto(`${served.baseUrl}/admin`);
    await page
      .locator('main')
      .getByRole('link', { name: /Phone numbers/ })
      .first()
      .click();
    await page.waitForURL(`${served.baseUrl}/admin/sms/numbers`);
    await expect(page.locator('main').textContent()).resolves.toContain('No numbers yet');
    await expect(page.locator('[data-testid="webhook-urls"]').textContent()).resolves.toContain(
      `${served.baseUrl}/webhooks/twilio/sms`,
    );

    await page.fill('#search-country', 'u');
    await page.click('button:has-text("Search")');
    await expect(page.locator('#search-country-error').textContent()).resolves.toContain(
      'two-letter country code',
    );
    await page.fill('#search-country', 'US');
    await page.fill('#search-areaCode', '628');
    await page.click('button:has-text("Search")');
    const offer = page.locator('[data-testid="available-row"]').first();
    const e164 = (await offer.locator('p').nth(1).textContent())!.split(' · ')[0]!.trim();
    await offer.locator('button:has-text("Buy")').click();
    await expect(page.locator('main').textContent()).resolves.toContain(
      `Bought ${e164}; its webhooks point here.`,
    );
    await expect(page.locator('[data-testid="number-webhooks"]').textContent()).resolves.toContain(
      'Webhooks point here.',
    );
    // This month's usage lists the line (its fee counts once it has one) and offers the CSV.
    await expect(page.locator('[data-testid="usage-numbers"]').textContent()).resolves.toContain(e164);
    const download = page.waitForEvent('download');
    await page.click('a:has-text("Download CSV")');
    expect((await download).suggestedFilename()).toMatch(/^sms-usage-\d{4}-\d{2}\.csv$/);
    expect(await axeFindings(page)).toEqual([]);

    // A customer texts the new line: Twilio (the fake) calls the served app's webhook, signed.
    const sent = await twilio.text({ from: '+31612349999', to: e164, body: 'Is the office open today?' });
    expect(sent.status).toBe(200);
    await waitFor(
      async () =>
        (
          await served.platform.database.system
            .selectFrom('sms_messages')
            .select('outcome')
            .where('message_sid', '=', sent.sid)
            .executeTakeFirst()
        )?.outcome === 'new-ticket',
      15_000,
      'the text on a ticket',
    );

    await page.fill(`[data-testid="number-row"] input[name="owner"]`, 'nobody@example.com');
    await page.click('[data-testid="number-row"] button:has-text("Save")');
    await expect(page.locator('main').textContent()).resolves.toContain(
      'There is no active user with that email address.',
    );
    await page.fill(`[data-testid="number-row"] input[name="owner"]`, agent.email);
    await page.fill(`[data-testid="number-row"] input[name="label"]`, 'Night line');
    await page.click('[data-testid="number-row"] button:has-text("Save")');
    await expect(page.locator('main').textContent()).resolves.toContain(`Saved ${e164}.`);
    await expect(page.locator('[data-testid="number-row"]').textContent()).resolves.toContain(
      `Personal line of ${agent.display_name}`,
    );

    twilio.repoint(e164, 'https://elsewhere.example/sms');
    await page.click('button:has-text("Check and fix")');
    await expect(page.locator('main').textContent()).resolves.toContain(
      'Checked 1 number: 1 fixed, 0 no longer at Twilio.',
    );
    expect([...twilio.numbers.values()][0]!.sms_url).toBe(`${served.baseUrl}/webhooks/twilio/sms`);

    // The same page in Dutch.
    await context.addCookies([{ name: 'sb_lang', value: 'nl', url: served.baseUrl }]);
    await page.goto(`${served.baseUrl}/admin/sms/numbers`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Telefoonnummers');
    await context.clearCookies({ name: 'sb_lang' });
    await page.goto(`${served.baseUrl}/admin/sms/numbers`);

    await page.click(`a[aria-label="Release ${e164}"]`);
    await expect(page.locator('h1').textContent()).resolves.toBe(`Release ${e164}?`);
    expect(await axeFindings(page)).toEqual([]);
    await page.click('button:has-text("Release number")');
    await expect(page.locator('main').textContent()).resolves.toContain(`Released ${e164}.`);
    await expect(page.locator('[data-testid="number-row"]').count()).resolves.toBe(0);
    expect(twilio.numbers.size).toBe(0);

    // The two refused forms (country, owner) answer 400 on purpose; Chromium logs each status.
    expect(problems.console.filter((m) => !m.includes('status of 400'))).toEqual([]);
    expect(problems.console).toHaveLength(2);
    expect(problems.csp).toEqual([]);
    await context.close();
  }, 120_000);
});
