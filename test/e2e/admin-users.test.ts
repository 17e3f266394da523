/// <reference lib="dom" />
import { describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../support/accounts.js';
import { createUser } from '../support/actors.js';
import { useServedAppInBrowser, watchProblems } from '../support/browser.js';

const suite = useServedAppInBrowser({ runsJobs: true, env: { MFA_REQUIRED_ROLES: 'none' } });

describe('the admin panel in Chromium', () => {
  it('invites, finds, re-roles, disables and audits a user', async () => {
    const { served, browser } = suite;
    const admin = await createUser(served, ['admin']);
    const page = await browser.newPage();
    page.setDefaultTimeout(10_000);
    const problems = await watchProblems(page);
    // Destructive actions ask first (data-confirm); this administrator means it.
    page.on('dialog', (dialog) => void dialog.accept());

    // A signed-out visitor is sent to sign in first.
    await page.goto(`${served.baseUrl}/admin/users`);
    await page.waitForURL(`${served.baseUrl}/login?next=%2Fadmin%2Fusers`);
    await page.fill('#field-email', admin.email);
    await page.fill('#field-password', TEST_PASSWORD);
    await page.click('button:has-text("Sign in")');
    await page.waitForURL((url) => url.pathname !== '/login');
    await page.goto(`${served.baseUrl}/admin/users`);
    await page.click('a:has-text("Invite someone")');
    const email = `agent-${Date.now()}@example.com`;
    await page.fill('#field-email', email);
    await page.fill('#field-displayName', 'Alan Agent');
    await page.selectOption('#field-role', 'agent');
    await page.click('button:has-text("Send invitation")');
    await expect(page.locator('main').textContent()).resolves.toContain('Invitation sent.');
    await expect(page.locator('[data-testid="user-status"]').textContent()).resolves.toBe(
      'pending verification',
    );

    await page.goto(`${served.baseUrl}/admin/users`);
    await page.fill('#field-search', 'alan agent');
    await page.click('button:has-text("Search")');
    // Count the rows of the answer, not of the page the click is leaving.
    await page.waitForURL((url) => url.searchParams.get('q') === 'alan agent');
    await page.waitForLoadState('load');
    await expect(page.locator('tbody tr').count()).resolves.toBe(1);
    await page.click(`a:has-text("${email}")`);

    await page.check('input[name=role][value=premium]');
    await page.uncheck('input[name=role][value=agent]');
    await page.click('button:has-text("Save roles")');
    await expect(page.locator('main').textContent()).resolves.toContain('Roles saved.');
    const roles = await served.platform.database.db
      .selectFrom('users')
      .select('roles')
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    expect(roles.roles).toEqual(['premium']);

    await page.fill('#field-reason', 'lost');
    await page.click('button:has-text("Reset second factors")');
    await expect(page.locator('#field-reason-error').textContent()).resolves.toContain(
      'at least 5 characters',
    );

    await page.click('button:has-text("Disable account")');
    await expect(page.locator('[data-testid="user-status"]').textContent()).resolves.toBe('disabled');

    await page.goto(`${served.baseUrl}/admin/audit?action=auth.*`);
    const text = await page.locator('main').textContent();
    expect(text).toContain('auth.user_invited');
    expect(text).toContain('auth.roles_changed');
    expect(text).toContain('auth.user_disabled');

    // Roles editor: a custom role inheriting from agent, with the audit log on top; then gone again.
    await page.goto(`${served.baseUrl}/admin/roles`);
    await page.fill('#new-role-name', 'night-shift');
    await page.selectOption('#new-role-parent', 'agent');
    await page.fill('#new-role-description', 'Agents who also watch the log at night');
    await page.locator('section[aria-labelledby="new-role"] input[value="audit:read"]').check();
    await page.click('button:has-text("Create role")');
    await expect(page.locator('main').textContent()).resolves.toContain('Role night-shift created.');
    await expect(page.locator('[data-testid="role-night-shift"]').textContent()).resolves.toContain(
      'Inherits from agent → premium → customer',
    );
    const graph = (
      await served.platform.database.db
        .selectFrom('role_permissions')
        .select('permission')
        .where('role', '=', 'night-shift')
        .execute()
    ).map((r) => r.permission);
    expect(graph).toEqual(['audit:read']);
    await page.locator('[data-testid="role-night-shift"] summary').click();
    await page.click('button:has-text("Delete night-shift")');
    await expect(page.locator('main').textContent()).resolves.toContain('Role night-shift deleted.');

    // The refusal above answered 400, which Chromium logs; anything else is a problem.
    expect(problems.console.filter((m) => !/status of 400/.test(m))).toEqual([]);
    expect(problems.csp).toEqual([]);
    await page.close();
  }, 60_000);
});
