/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createUser } from '../support/actors.js';
import { signInOnPage, useServedAppInBrowser, watchProblems } from '../support/browser.js';
import { mailTo } from '../support/outbox.js';
import { waitFor } from '../support/wait.js';

// Jobs run in this app, so notification mail really goes through the queue into the dev outbox.
const suite = useServedAppInBrowser({ runsJobs: true, env: { MFA_REQUIRED_ROLES: 'none' } });

// A 1×1 PNG: what a customer's screenshot looks like to the server.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const live = (page: Page) =>
  waitFor(
    async () => (await page.locator('[data-live-status]').first().textContent()) === 'Live',
    5000,
    'the page’s event stream to open',
  );

describe('a ticket from the portal to the inbox and back, in Chromium', () => {
  it('customer asks with a screenshot, the agent sees it arrive, claims, answers and notes; the customer sees the answer live, never the note, and reopens it by replying, which mails the agent', async () => {
    const { served, browser } = suite;
    const customerUser = await createUser(served, ['customer']);
    const agentUser = await createUser(served, ['agent']);
    // Two people, two browsers (separate cookie jars).
    const customer = await (await browser.newContext()).newPage();
    const agent = await (await browser.newContext()).newPage();
    for (const page of [customer, agent]) page.setDefaultTimeout(10_000);
    const problems = [await watchProblems(customer), await watchProblems(agent)];
    await signInOnPage(customer, served.baseUrl, customerUser.email);
    await signInOnPage(agent, served.baseUrl, agentUser.email);

    await agent.goto(`${served.baseUrl}/inbox?view=unassigned`);
    await live(agent);

    // The customer opens a ticket with a screenshot.
    await customer.goto(`${served.baseUrl}/tickets/new`);
    await customer.fill('#field-subject', 'Laptop screen flickers');
    await customer.fill('#field-body', 'Flickers when on battery. Screenshot attached.');
    await customer.setInputFiles('#field-files', {
      name: 'screenshot.png',
      mimeType: 'image/png',
      buffer: PNG,
    });
    await customer.click('button:has-text("Send")');
    await customer.waitForURL(/\/tickets\/SB-\d+$/);
    const key = new URL(customer.url()).pathname.split('/').pop()!;
    await live(customer);
    const [receipt] = await mailTo(served, customerUser.email);
    expect(receipt!.subject).toContain(key);

    // It appears in the agent's inbox without a reload; the agent opens and claims it.
    const row = agent.locator(`[data-testid="row-${key}"]`);
    await expect(row.textContent()).resolves.toContain('Laptop screen flickers');
    await row.locator('a[data-open]').click();
    await agent.waitForURL(`${served.baseUrl}/inbox/${key}`);
    await expect(agent.locator('[data-testid="attachment"]').textContent()).resolves.toBe('screenshot.png');
    await agent.click('button:has-text("Assign to me")');
    await agent.waitForURL(/done=claimed/);

    // A public reply with a file, then an internal note.
    await agent.fill('#field-body', 'Please update the **display driver**; instructions attached.');
    await agent.setInputFiles('#field-files', {
      name: 'driver-steps.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('1. Open Device Manager\n2. Update the display driver\n'),
    });
    await agent.click('form[data-reply-form] button:has-text("Send")');
    await agent.waitForURL(/done=reply/);
    await agent.check('#visibility-internal');
    await agent.fill('#field-body', 'Internal: this model has a known panel defect.');
    await agent.click('form[data-reply-form] button:has-text("Send")');
    await agent.waitForURL(/done=note/);

    // The customer's open page shows the reply and its file in place, and never the note.
    const answer = customer.locator('[data-testid="message"]', { hasText: 'display driver' });
    await answer.waitFor();
    await expect(answer.innerHTML()).resolves.toContain('<strong>display driver</strong>');
    await expect(answer.locator('[data-testid="attachment"]').textContent()).resolves.toBe(
      'driver-steps.txt',
    );
    const download = await customer.request.get(
      new URL((await answer.locator('[data-testid="attachment"]').getAttribute('href'))!, served.baseUrl)
        .href,
    );
    expect(download.headers()['content-disposition']).toMatch(/^attachment;/);
    await expect(customer.content()).resolves.not.toContain('known panel defect');

    // The agent resolves it; the customer's page says so without a reload.
    await agent.selectOption('#field-status', 'resolved');
    await agent.click('button:has-text("Save changes")');
    await agent.waitForURL(/done=changed/);
    await customer.locator('#thread [data-testid="status"]', { hasText: 'Resolved' }).waitFor();
    await expect(customer.content()).resolves.not.toContain('known panel defect');

    // The customer's reply reopens it, and the assignee hears of it by mail.
    await customer.fill('#field-reply', 'Updated the driver; it still flickers.');
    await customer.click('button:has-text("Send reply")');
    await customer.locator('[data-testid="message"]', { hasText: 'still flickers' }).waitFor();
    await expect(customer.locator('#thread [data-testid="status"]').textContent()).resolves.toBe('Open');
    const [toAgent] = await mailTo(served, agentUser.email);
    expect(toAgent!.subject).toContain(key);
    expect(toAgent!.body_text).toContain('still flickers');
    expect(toAgent!.body_text).toContain(`/inbox/${key}`);
    // The agent's page followed along: the customer's reply is in the thread there too.
    await agent.locator('[data-testid="message"]', { hasText: 'still flickers' }).waitFor();

    for (const p of problems) {
      expect(p.console.filter((m) => !/ERR_ABORTED|net::ERR/.test(m))).toEqual([]);
      expect(p.csp).toEqual([]);
    }
    await customer.context().close();
    await agent.context().close();
  }, 120_000);
});
