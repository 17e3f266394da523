import { describe, expect, it } from 'vitest';
import { useServedAppInBrowser, watchProblems } from '../../../test/support/browser.js';

const suite = useServedAppInBrowser({ runsJobs: true });

describe('a stored mail in Chromium', () => {
  it('shows the HTML part with its own styles, and its link opens in the top window', async () => {
    const url = `${suite.served.baseUrl}/?from=mail`;
    await suite.served.platform.database.db
      .transaction()
      .execute((trx) =>
        suite.served.platform.mail.queue(trx, 'ada@example.com', 'magic-link', { name: 'Ada', url }),
      );
    const page = await suite.browser.newPage();
    const problems = await watchProblems(page);
    for (let tries = 0; tries < 40; tries++) {
      await page.goto(`${suite.served.baseUrl}/admin/outbox`);
      if ((await page.locator('a', { hasText: 'Your sign-in link' }).count()) > 0) break;
      await page.waitForTimeout(250);
    }
    await page.locator('a', { hasText: 'Your sign-in link' }).first().click();

    const button = page.frameLocator('[data-testid="mail-html"]').locator('a', { hasText: 'Sign in' });
    // The mail's inline styles apply inside its frame, though the page around it forbids them.
    expect(await button.evaluate((a) => getComputedStyle(a).backgroundColor)).toBe('rgb(26, 92, 223)');
    expect(await button.evaluate((a) => a.ownerDocument.defaultView?.origin)).toBe('null');
    await button.click();
    await page.waitForURL(url);
    // The test's own page scripts (watchProblems) are refused inside the frame: the sandbox at work.
    const sandboxed = /^Blocked script execution in '[^']+\/html' because the document's frame is sandboxed/;
    expect(problems.console.filter((m) => !sandboxed.test(m))).toEqual([]);
    expect(problems.csp).toEqual([]);
    expect(problems.failedRequests).toEqual([]);
    await page.close();
  });
});
