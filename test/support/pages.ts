/// <reference lib="dom" />
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { TEST_PASSWORD } from './accounts.js';
import { createUser, signInAs } from './actors.js';
import type { ServedApp } from './browser.js';
import { totpCode } from './totp.js';

/**
 * Signs a browser context in through the JSON API (its cookies are the context's), which is quicker
 * than the sign-in page and does not depend on where sign-in lands. Staff roles need
 * MFA_REQUIRED_ROLES=none in the app's settings.
 */
export async function signInContext(context: BrowserContext, baseUrl: string, email: string): Promise<void> {
  const csrf = await context.request.get(`${baseUrl}/api/v1/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await context.request.post(`${baseUrl}/api/v1/auth/login`, {
    headers: { 'x-csrf-token': csrfToken, origin: baseUrl },
    data: { email, password: TEST_PASSWORD },
  });
  if (response.status() !== 200)
    throw new Error(`sign-in failed: ${response.status()} ${await response.text()}`);
}

/** Waits until the page's service worker has activated, and answers its state. */
export async function serviceWorkerActive(page: Page): Promise<string | undefined> {
  return page.evaluate(async () => {
    const worker = (await navigator.serviceWorker.ready).active;
    if (worker && worker.state !== 'activated')
      await new Promise((resolve) =>
        worker.addEventListener('statechange', () => worker.state === 'activated' && resolve(null)),
      );
    return worker?.state;
  });
}

/** The visible text of the page's main content, whitespace collapsed. */
export async function visibleText(page: Page, selector = 'body'): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: visible text is the point (no hidden or sr-only text).
  return (await page.locator(selector).innerText()).replace(/\s+/g, ' ').trim();
}

/** A role's pages to visit, and the account that visits them (null: signed out). */
export interface RolePages {
  role: 'signed-out' | 'second-factor' | 'customer' | 'agent' | 'admin';
  email: string | null;
  paths: string[];
}

/**
 * Seeds a customer with a ticket, an agent and an administrator, and lists every page each of them
 * (and a signed-out visitor) can open: the pages issue 17's acceptance names. The admin pages are
 * read from the admin overview's links, so a new admin page is covered without editing this list.
 */
export async function everyPage(served: ServedApp, browser: Browser): Promise<RolePages[]> {
  const customer = await createUser(served, ['customer'], 'customer');
  const agent = await createUser(served, ['agent'], 'agent');
  const admin = await createUser(served, ['admin'], 'admin');
  const client = await signInAs(served.app, customer.email);
  const created = await client.post('/api/v1/tickets', {
    subject: 'Printer jams',
    body: 'It jams on **every** page.',
  });
  if (created.statusCode !== 201) throw new Error(`ticket: ${created.body}`);
  const { key } = created.json() as { key: string };

  // Someone with an authenticator app, between their password and its code: the /mfa page.
  const guarded = await createUser(served, ['customer'], 'guarded');
  const enrolling = await signInAs(served.app, guarded.email);
  const totp = (await enrolling.post('/api/v1/me/mfa/totp', {})).json() as {
    factorId: string;
    secret: string;
  };
  const confirmed = await enrolling.post('/api/v1/me/mfa/totp/confirm', {
    factorId: totp.factorId,
    code: totpCode(totp.secret),
  });
  if (confirmed.statusCode !== 200) throw new Error(`totp: ${confirmed.body}`);

  // An app registered by the administrator, for the app's own admin page.
  const adminApi = await signInAs(served.app, admin.email);
  const app = await adminApi.post('/api/v1/oauth/clients', {
    name: 'Status board',
    type: 'confidential',
    grantTypes: ['client_credentials'],
    scopes: ['tickets:read'],
    redirectUris: [],
  });
  if (app.statusCode !== 201) throw new Error(`app: ${app.body}`);
  const { clientId } = (app.json() as { client: { clientId: string } }).client;

  const context = await browser.newContext();
  await signInContext(context, served.baseUrl, admin.email);
  const page = await context.newPage();
  await page.goto(`${served.baseUrl}/admin`);
  const adminLinks = await page
    .locator('main a[href^="/admin/"]')
    .evaluateAll((links) => links.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
  await context.close();
  // One level deeper: the invitation form, a user, an app. (A mail in the outbox is left out: its
  // frame is sandboxed without scripts, which axe cannot enter; src/modules/admin/outbox.browser.test.ts
  // checks that page.)
  const deeper = ['/admin/users/invite', `/admin/users/${customer.id}`, `/admin/apps/${clientId}`];

  return [
    {
      role: 'signed-out',
      email: null,
      paths: [
        '/',
        '/login',
        '/signup',
        '/reset',
        '/help',
        '/contact',
        '/contact/sent',
        '/help/sent',
        '/auth/verify?token=expired-or-wrong',
        '/auth/reset?token=expired-or-wrong',
        '/nope',
        '/offline',
      ],
    },
    { role: 'second-factor', email: guarded.email, paths: ['/mfa'] },
    {
      role: 'customer',
      email: customer.email,
      paths: [
        '/tickets',
        `/tickets/${key}`,
        '/tickets/new',
        '/account',
        '/account/security',
        '/account/apps',
      ],
    },
    { role: 'agent', email: agent.email, paths: ['/inbox', `/inbox/${key}`, '/inbox/search?q=printer'] },
    { role: 'admin', email: admin.email, paths: ['/admin', ...new Set([...adminLinks, ...deeper])] },
  ];
}
