/// <reference lib="dom" />
import type { BrowserContext } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useServedAppInBrowser } from '../support/browser.js';
import { everyPage, type RolePages, signInContext, visibleText } from '../support/pages.js';

const suite = useServedAppInBrowser({ env: { MFA_REQUIRED_ROLES: 'none' } });
let roles: RolePages[];
beforeAll(async () => {
  roles = await everyPage(suite.served, suite.browser);
}, 60_000);

/** A message key that reached the page: `tickets:inbox.title`, or a bare `inbox.views.mine`. */
const RAW_KEY =
  /\b[a-z][a-zA-Z]*:[a-z][a-zA-Z]*(?:\.[a-zA-Z_]+)+\b|\b[a-z][a-zA-Z]*\.[a-z][a-zA-Z]*\.[a-z][a-zA-Z_]*\b/g;

/**
 * English UI words that are not Dutch words too: on a Dutch page each means a missing translation.
 * (Not "Account", "Status", "Help", "Inbox", "Tickets", "Admin", "Open" or "English": those read
 * the same in Dutch, or name the language in the switch.) The seeded ticket holds none of them.
 */
const ENGLISH = [
  'Sign in',
  'Sign out',
  'Sign up',
  'Settings',
  'Save',
  'Cancel',
  'Search',
  'Password',
  'Language',
  'Theme',
  'Skip to content',
  'Ask for help',
  'My tickets',
  'Security',
  'Previous',
  'Next',
  'Back',
  'Continue',
  'Delete',
  'Remove',
  'Your',
  'Welcome',
  'Email address',
  'Subject',
  'Reply',
  'Priority',
  'Assignee',
  'Created',
  'Updated',
  'Nothing',
  'Users',
  'Roles',
  'Categories',
  'Audit log',
  'Connected apps',
  'Automatic',
  'Light',
  'Dark',
];
const ENGLISH_WORD = new RegExp(`\\b(?:${ENGLISH.join('|')})\\b`, 'g');

/** What is wrong with each page in this language; an empty object when nothing is. */
async function crawl(context: BrowserContext, paths: string[], lang: 'en' | 'nl') {
  const page = await context.newPage();
  const problems: Record<string, string[]> = {};
  for (const path of paths) {
    await page.goto(`${suite.served.baseUrl}${path}`, { waitUntil: 'domcontentloaded' });
    const found: string[] = [];
    const htmlLang = await page.locator('html').getAttribute('lang');
    if (htmlLang !== lang) found.push(`lang="${htmlLang}"`);
    const text = `${await page.title()} ${await visibleText(page)}`;
    for (const key of new Set(text.match(RAW_KEY))) found.push(`raw key: ${key}`);
    if (lang === 'nl') for (const word of new Set(text.match(ENGLISH_WORD))) found.push(`English: ${word}`);
    if (found.length) problems[path] = found;
  }
  await page.close();
  return problems;
}

describe('every page in English and in Dutch', () => {
  it('speaks English by default and Dutch after the footer switch, to a signed-out visitor', async () => {
    const { paths } = roles.find((r) => r.role === 'signed-out')!;
    const context = await suite.browser.newContext();
    expect(await crawl(context, paths, 'en')).toEqual({});
    // The crawl does see English where Dutch belongs.
    expect((await crawl(context, ['/login'], 'nl'))['/login']).toEqual(
      expect.arrayContaining(['lang="en"', 'English: Sign in', 'English: Password']),
    );
    const page = await context.newPage();
    await page.goto(suite.served.baseUrl);
    await page.selectOption('#pref-locale', 'nl');
    await page.locator('html[lang="nl"]').waitFor({ state: 'attached' });
    expect(page.url()).toBe(`${suite.served.baseUrl}/`);
    await page.close();
    expect(await crawl(context, paths, 'nl')).toEqual({});
    await context.close();
  }, 60_000);

  it('gives a Dutch browser Dutch pages before anyone signs in', async () => {
    const { paths } = roles.find((r) => r.role === 'signed-out')!;
    const context = await suite.browser.newContext({
      locale: 'nl-NL',
      extraHTTPHeaders: { 'accept-language': 'nl-NL,nl;q=0.9' },
    });
    expect(await crawl(context, paths, 'nl')).toEqual({});
    await context.close();
  }, 60_000);

  it.each(['customer', 'agent', 'admin'])(
    'follows the profile language of the %s',
    async (name) => {
      const { email, paths } = roles.find((r) => r.role === name)!;
      const context = await suite.browser.newContext();
      await signInContext(context, suite.served.baseUrl, email!);
      expect(await crawl(context, paths, 'en')).toEqual({});
      await suite.served.platform.database.db
        .updateTable('users')
        .set({ locale: 'nl' })
        .where('email', '=', email!)
        .execute();
      expect(await crawl(context, paths, 'nl')).toEqual({});
      await context.close();
    },
    60_000,
  );
});
