/// <reference lib="dom" />
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptMail } from '../../src/modules/email/index.js';
import { createUser } from '../support/actors.js';
import {
  launchBrowser,
  type ServedApp,
  serveTestApp,
  signInOnPage,
  watchProblems,
} from '../support/browser.js';
import { waitFor } from '../support/wait.js';

/**
 * Issue 19 in Chromium, the agent's side: a ticket that came by mail shows its original message
 * from the thread, the team's reply shows as mailed, and the people copied are added and removed
 * on the ticket page (removing asks first).
 */
const SUPPORT = 'support@e2e-thread.example';
let served: ServedApp;
let browser: Browser;

beforeAll(async () => {
  [served, browser] = await Promise.all([
    serveTestApp({
      runsJobs: true,
      env: { MFA_REQUIRED_ROLES: 'none', SUPPORT_ADDRESSES: SUPPORT, NOTIFY_DIGEST_DELAY_SECONDS: '0' },
    }),
    launchBrowser(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await served?.close();
});

describe('a mail ticket on the agent’s page', () => {
  it('opens the original, shows the reply mailed, and adds and removes a copied colleague', async () => {
    const from = `ada${Date.now()}@client.example`;
    const raw = Buffer.from(
      `From: Ada <${from}>\r\nTo: ${SUPPORT}\r\nSubject: Laptop will not boot\r\nMessage-ID: <boot-${Date.now()}@client.example>\r\nX-Mailer: Client 1.0\r\n\r\nIt shows a black screen.\r\n`,
    );
    const stored = await acceptMail(served.platform, { raw, source: 'test' });
    let key = '';
    await waitFor(
      async () => {
        const row = await served.platform.database.system
          .selectFrom('mail_inbound')
          .innerJoin('tickets', 'tickets.id', 'mail_inbound.ticket_id')
          .select('tickets.number')
          .where('mail_inbound.id', '=', stored.id!)
          .executeTakeFirst();
        key = row ? `SB-${row.number}` : '';
        return row !== undefined;
      },
      15_000,
      'ticket from mail',
    );

    const agent = await createUser(served, ['agent']);
    const page = await browser.newPage();
    page.setDefaultTimeout(10_000);
    const problems = await watchProblems(page);
    const confirmations: string[] = [];
    page.on('dialog', (dialog) => {
      confirmations.push(dialog.message());
      void dialog.accept();
    });
    await signInOnPage(page, served.baseUrl, agent.email);
    await page.goto(`${served.baseUrl}/inbox/${key}`);

    // The original, headers and all, one click from the thread.
    await page.getByTestId('original-link').first().click();
    await page.waitForURL(/\/original$/);
    await expect(page.getByTestId('mail-original').textContent()).resolves.toContain('X-Mailer: Client 1.0');
    await page.getByRole('link', { name: `← Back to ${key}` }).click();
    await page.waitForURL(new RegExp(`/inbox/${key}$`));

    // Copy a colleague; a typo is refused beside the field.
    await page.fill('#field-participant', 'not-an-address');
    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    await expect(page.locator('#field-participant-error').textContent()).resolves.toContain(
      'Give one email address',
    );
    const colleague = `grace${Date.now()}@client.example`;
    await page.fill('#field-participant', colleague);
    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    await page.waitForURL(/done=participant_added/);
    await expect(page.getByTestId('participant').textContent()).resolves.toContain(colleague);

    // A public reply goes to the requester and the colleague, and shows as mailed.
    await page.fill('#field-body', 'Hold the power button for ten seconds.');
    await page.locator('form[action$="/reply"] button[type=submit]').click();
    await page.waitForURL(/done=reply/);
    await waitFor(
      async () => {
        await page.reload();
        return (await page.getByTestId('delivery').allTextContents()).includes('Mailed');
      },
      15_000,
      'reply mailed',
    );

    // Removing asks first.
    await page.getByRole('button', { name: `Stop copying ${colleague}` }).click();
    await page.waitForURL(/done=participant_removed/);
    expect(confirmations.some((c) => c.includes(colleague))).toBe(true);
    await expect(page.getByTestId('no-participants').count()).resolves.toBe(1);
    // The refused typo answers 400 (the form with its message), which Chromium logs; nothing else.
    expect(problems.console.filter((m) => !m.includes('status of 400'))).toEqual([]);
    expect(problems.console.length).toBeLessThanOrEqual(1);
    expect(problems.csp).toEqual([]);
    await page.close();
  }, 90_000);
});
