/// <reference lib="dom" />
import { sql } from 'kysely';
import type { CDPSession, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createVerifiedAccount, TEST_PASSWORD } from '../support/accounts.js';
import { useServedAppInBrowser, watchProblems } from '../support/browser.js';

// WebAuthn needs a domain as relying party id, not an IP address.
const suite = useServedAppInBrowser({ runsJobs: true, hostname: 'localhost' });

/**
 * A platform authenticator in the browser, driven through the DevTools protocol: it holds
 * discoverable credentials, verifies the user (as a fingerprint would) and answers without a prompt.
 */
async function addAuthenticator(cdp: CDPSession): Promise<string> {
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return authenticatorId;
}

async function signInWithPassword(page: Page, email: string): Promise<void> {
  await page.goto(`${suite.served.baseUrl}/login`);
  await page.fill('#field-email', email);
  await page.fill('#field-password', TEST_PASSWORD);
  await page.click('button:has-text("Sign in")');
}

async function addPasskey(page: Page, name: string): Promise<void> {
  await page.goto(`${suite.served.baseUrl}/account/security`);
  await page.fill('#field-passkey-name', name);
  await page.click('button:has-text("Add a passkey")');
  await page.waitForURL(`${suite.served.baseUrl}/account/security/passkeys`);
  await expect(page.locator('main').textContent()).resolves.toContain(`Passkey “${name}” added`);
}

const factorLabels = (page: Page) => page.locator('[data-testid="factor-label"]').allTextContents();

async function signOut(page: Page): Promise<void> {
  await page.context().clearCookies();
}

describe('passkeys in Chromium with a virtual authenticator', () => {
  it('registers several, names and removes them, signs in without a password and as a second factor', async () => {
    const email = await createVerifiedAccount(suite.served, 'passkey');
    const page = await suite.browser.newPage();
    page.setDefaultTimeout(10_000); // a stuck step fails by name, well inside the test's time
    const problems = await watchProblems(page);
    const cdp = await page.context().newCDPSession(page);
    const laptop = await addAuthenticator(cdp);

    await signInWithPassword(page, email);
    await page.waitForURL(`${suite.served.baseUrl}/tickets`); // a customer's home

    // The first passkey is the first factor: backup codes come with it, once.
    await addPasskey(page, 'Laptop');
    await expect(page.locator('[data-testid="backup-codes"] li').count()).resolves.toBe(10);
    expect(await factorLabels(page)).toEqual(['Laptop']);

    // A second device: another authenticator (the first one would refuse to register twice).
    await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: laptop });
    await addAuthenticator(cdp);
    await addPasskey(page, 'Phone');
    await expect(page.locator('[data-testid="backup-codes"]').count()).resolves.toBe(0);
    await page.goto(`${suite.served.baseUrl}/account/security`);
    expect(await factorLabels(page)).toEqual(['Laptop', 'Phone']);

    // Rename the phone, remove the laptop (whose authenticator is gone).
    const phone = page.locator('[data-testid="factor"]', { hasText: 'Phone' });
    await phone.locator('summary').click();
    await phone.locator('input[name=label]').fill('Work phone');
    await phone.locator('button:has-text("Save")').click();
    await page.waitForURL(`${suite.served.baseUrl}/account/security`);
    await page
      .locator('[data-testid="factor"]', { hasText: 'Laptop' })
      .locator('button:has-text("Remove")')
      .click();
    await page.waitForURL(`${suite.served.baseUrl}/account/security`);
    expect(await factorLabels(page)).toEqual(['Work phone']);

    // Passwordless: the sign-in page's passkey button alone.
    await signOut(page);
    await page.goto(`${suite.served.baseUrl}/login`);
    await page.click('button:has-text("Sign in with a passkey")');
    await page.waitForURL(`${suite.served.baseUrl}/tickets`);
    await page.goto(`${suite.served.baseUrl}/account`);
    await expect(page.locator('body').textContent()).resolves.toContain(email);

    // Second factor: the password is right, then the passkey finishes the sign-in.
    await signOut(page);
    await signInWithPassword(page, email);
    await page.waitForURL(`${suite.served.baseUrl}/mfa`);
    await page.click('button:has-text("Use a passkey")');
    await page.waitForURL(`${suite.served.baseUrl}/tickets`);

    const events = await suite.served.platform.database.db
      .selectFrom('audit_log')
      .innerJoin('users', (join) => join.on(sql`users.id::text`, '=', sql.ref('audit_log.target_id')))
      .select(['audit_log.action', 'audit_log.details'])
      .where('users.email', '=', email)
      .where('audit_log.action', 'in', ['auth.mfa_succeeded', 'auth.factor_changed'])
      .orderBy('audit_log.id')
      .execute();
    expect(events.filter((e) => e.action === 'auth.factor_changed')).toHaveLength(2 + 1); // two added, one removed
    expect(events.filter((e) => e.action === 'auth.mfa_succeeded').map((e) => e.details)).toEqual([
      { method: 'passkey', passwordless: true },
      { method: 'passkey', passwordless: false },
    ]);
    // Sign-in lands on My tickets, whose live stream is cut off (ERR_ABORTED) when the page is left.
    const failed = problems.failedRequests.filter((r) => !r.includes('/api/v1/tickets/stream'));
    expect({ ...problems, failedRequests: failed }).toEqual({ console: [], csp: [], failedRequests: [] });
    await page.close();
  }, 60_000);
});
