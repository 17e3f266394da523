/// <reference lib="dom" />
import { describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../support/accounts.js';
import { createUser, signInAs } from '../support/actors.js';
import { useServedAppInBrowser, watchProblems } from '../support/browser.js';
import { SessionClient } from '../support/session-client.js';
import { totpCode } from '../support/totp.js';

// The default policy: agents must use a second factor.
const suite = useServedAppInBrowser();

/** An agent who has set up an authenticator app (through the API, as a first sign-in would). */
async function agentWithTotp() {
  const agent = await createUser(suite.served, ['agent']);
  const client = await new SessionClient(suite.served.app).start();
  const login = await client.post('/api/v1/auth/login', { email: agent.email, password: TEST_PASSWORD });
  expect(login.json().mfa).toBe('enroll');
  const { factorId, secret } = (await client.post('/api/v1/me/mfa/totp')).json() as {
    factorId: string;
    secret: string;
  };
  const enrolledAt = Date.now() - 30_000; // the step before, so the sign-in below may use the current one
  const confirmed = await client.post('/api/v1/me/mfa/totp/confirm', {
    factorId,
    code: totpCode(secret, enrolledAt),
  });
  expect(confirmed.statusCode, confirmed.body).toBe(200);
  return { email: agent.email, secret };
}

describe('sign-in from a link in Chromium', () => {
  it('an agent with TOTP opens a ticket signed out, signs in with password and code, and lands on it', async () => {
    const { served, browser } = suite;
    const agent = await agentWithTotp();
    const customer = await signInAs(served.app, (await createUser(served, ['customer'])).email);
    const ticket = await customer.post('/api/v1/tickets', { subject: 'Printer on fire', body: 'Smoke.' });
    expect(ticket.statusCode, ticket.body).toBe(201);
    const { key } = ticket.json() as { key: string };

    const page = await browser.newPage();
    page.setDefaultTimeout(10_000);
    const problems = await watchProblems(page);
    await page.goto(`${served.baseUrl}/inbox/${key}`);
    await page.waitForURL(`${served.baseUrl}/login?next=${encodeURIComponent(`/inbox/${key}`)}`);
    await page.fill('#field-email', agent.email);
    await page.fill('#field-password', TEST_PASSWORD);
    await page.click('button:has-text("Sign in")');
    await page.waitForURL(`${served.baseUrl}/mfa`);
    await page.fill('#field-code', totpCode(agent.secret));
    await page.click('button:has-text("Continue")');
    await page.waitForURL(`${served.baseUrl}/inbox/${key}`);
    await expect(page.locator('main').textContent()).resolves.toContain('Printer on fire');

    expect(problems.csp).toEqual([]);
    expect(problems.console).toEqual([]);
    await page.close();
  }, 60_000);

  it('a Dutch browser gets the Dutch sign-in page before signing in', async () => {
    const context = await suite.browser.newContext({ locale: 'nl-NL' });
    const page = await context.newPage();
    await page.goto(`${suite.served.baseUrl}/login`);
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('nl');
    await expect(page.locator('h1').textContent()).resolves.toBe('Inloggen');
    await expect(page.locator('label[for="field-password"]').textContent()).resolves.toBe('Wachtwoord');
    await context.close();
  });
});
