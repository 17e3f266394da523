import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listPublicPages } from '../../src/identity/public-pages.js';
import { translator } from '../../src/platform/i18n/catalog.js';
import { LOCALES, type Locale } from '../../src/platform/i18n/locales.js';
import { buildTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
let base: string;
beforeAll(async () => {
  t = await buildTestApp({ env: { MFA_REQUIRED_ROLES: 'none' } });
  base = t.config.PUBLIC_URL.replace(/\/+$/, '');
});
afterAll(() => t.close());

const html = { accept: 'text/html' };
const page = (url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ url, headers: { ...html, ...headers } });

/** Character references undone (kept pages write every non-ASCII character as one). */
const decode = (text: string) =>
  text
    .replace(/&#(\d+);/g, (_, code) => String.fromCodePoint(Number(code)))
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

/** The <head>'s <meta> and <link> tags, each as its attributes (HTML entities for & and " undone). */
function headTags(body: string): { tag: string; attrs: Record<string, string> }[] {
  const head = body.slice(0, body.indexOf('</head>'));
  return [...head.matchAll(/<(meta|link)\s([^>]*)>/g)].map(([, tag, rest]) => ({
    tag: tag!,
    attrs: Object.fromEntries(
      [...rest!.matchAll(/([\w:-]+)="([^"]*)"/g)].map(([, k, v]) => [k!, decode(v!)]),
    ),
  }));
}
const metaContent = (body: string, key: 'name' | 'property', value: string) =>
  headTags(body)
    .filter((x) => x.tag === 'meta' && x.attrs[key] === value)
    .map((x) => x.attrs.content);
const links = (body: string, rel: string) =>
  headTags(body)
    .filter((x) => x.tag === 'link' && x.attrs.rel === rel)
    .map((x) => x.attrs);
const isNoindex = (body: string) => (metaContent(body, 'name', 'robots')[0] ?? '').includes('noindex');

/** The paths robots.txt asks crawlers to leave alone. */
async function disallowed(): Promise<string[]> {
  const robots = await t.app.inject({ url: '/robots.txt' });
  return [...robots.body.matchAll(/^Disallow: (\S+)$/gm)].map((m) => m[1]!);
}

describe('robots.txt', () => {
  it('allows the public pages, keeps crawlers out of private and token pages, and names the sitemap', async () => {
    const res = await t.app.inject({ url: '/robots.txt' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.body).toMatch(/^User-agent: \*$/m);
    expect(res.body).toMatch(/^Allow: \/$/m);
    const blocked = await disallowed();
    for (const path of ['/admin', '/api/', '/inbox', '/tickets', '/account', '/login', '/signup', '/mfa'])
      expect(blocked).toContain(path);
    for (const path of ['/auth/', '/reset', '/help/', '/oauth/']) expect(blocked).toContain(path);
    // The public pages themselves stay allowed (prefix match, RFC 9309).
    for (const path of ['/', '/help', '/contact'])
      expect(
        blocked.some((prefix) => path.startsWith(prefix)),
        path,
      ).toBe(false);
    expect(res.body).toMatch(new RegExp(`^Sitemap: ${base}/sitemap.xml$`, 'm'));
  });
});

describe('sitemap.xml', () => {
  const parse = (xml: string) =>
    new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      isArray: (name) => ['url', 'xhtml:link'].includes(name),
    }).parse(xml);

  it('is well-formed sitemaps.org XML with absolute URLs and en, nl and x-default alternates per page', async () => {
    const res = await t.app.inject({ url: '/sitemap.xml' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(XMLValidator.validate(res.body)).toBe(true);
    const doc = parse(res.body);
    expect(doc.urlset.xmlns).toBe('http://www.sitemaps.org/schemas/sitemap/0.9');
    expect(doc.urlset['xmlns:xhtml']).toBe('http://www.w3.org/1999/xhtml');
    const urls = doc.urlset.url as {
      loc: string;
      lastmod?: string;
      'xhtml:link': Record<string, string>[];
    }[];
    const locs = urls.map((u) => u.loc);
    for (const path of ['/', '/help', '/contact'])
      for (const lang of LOCALES) expect(locs).toContain(`${base}${path}?lang=${lang}`);
    expect(new Set(locs).size).toBe(locs.length);
    for (const url of urls) {
      expect(new URL(url.loc).origin).toBe(new URL(base).origin);
      const path = new URL(url.loc).pathname;
      const alternates = url['xhtml:link'];
      expect(alternates.every((a) => a.rel === 'alternate')).toBe(true);
      expect(Object.fromEntries(alternates.map((a) => [a.hreflang, a.href]))).toEqual({
        en: `${base}${path === '/' ? '/' : path}?lang=en`,
        nl: `${base}${path === '/' ? '/' : path}?lang=nl`,
        'x-default': `${base}${path}`,
      });
      if (url.lastmod !== undefined) expect(Number.isNaN(Date.parse(url.lastmod))).toBe(false);
    }
  });

  it('lists only pages a visitor may open without signing in, none private or with a token', async () => {
    const blocked = await disallowed();
    const { body } = await t.app.inject({ url: '/sitemap.xml' });
    const locs = (parse(body).urlset.url as { loc: string }[]).map((u) => u.loc);
    for (const loc of locs) {
      const url = new URL(loc);
      expect(url.search).toMatch(/^\?lang=(en|nl)$/);
      expect(
        blocked.some((prefix) => url.pathname.startsWith(prefix)),
        loc,
      ).toBe(false);
      const res = await page(`${url.pathname}${url.search}`);
      expect(res.statusCode, loc).toBe(200);
      expect(isNoindex(res.body), loc).toBe(false);
      expect(links(res.body, 'canonical').map((l) => l.href)).toEqual([loc]);
    }
  });

  it('gives the contact page the time its form last changed', async () => {
    await t.app.inject({ url: '/sitemap.xml' });
    await t.platform.database.db
      .insertInto('lead_settings')
      .values({ id: true, services: ['Repair'] })
      .onConflict((oc) => oc.column('id').doUpdateSet({ services: ['Repair'] }))
      .execute();
    const { body } = await t.app.inject({ url: '/sitemap.xml' });
    const urls = parse(body).urlset.url as { loc: string; lastmod?: string }[];
    const contact = urls.find((u) => u.loc === `${base}/contact?lang=en`);
    expect(contact?.lastmod).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(urls.find((u) => u.loc === `${base}/?lang=en`)?.lastmod).toBeUndefined();
  });
});

describe('head tags of the public pages', () => {
  const words: Record<Locale, string> = { en: 'en_US', nl: 'nl_NL' };

  it('each public page, in each language: one canonical, hreflang en/nl/x-default, OpenGraph, a description in its language', async () => {
    const pages = await listPublicPages(t.platform.database.db);
    expect(pages.map((p) => p.path)).toEqual(expect.arrayContaining(['/', '/help', '/contact']));
    for (const { path } of pages) {
      const descriptions: string[] = [];
      for (const lang of LOCALES) {
        const res = await page(`${path}?lang=${lang}`);
        const where = `${path} ${lang}`;
        expect(res.statusCode, where).toBe(200);
        expect(res.body, where).toContain(`<html lang="${lang}"`);
        expect(isNoindex(res.body), where).toBe(false);
        const canonical = `${base}${path}?lang=${lang}`;
        expect(
          links(res.body, 'canonical').map((l) => l.href),
          where,
        ).toEqual([canonical]);
        const alternates = links(res.body, 'alternate').filter((l) => l.hreflang);
        expect(Object.fromEntries(alternates.map((l) => [l.hreflang, l.href])), where).toEqual({
          en: `${base}${path}?lang=en`,
          nl: `${base}${path}?lang=nl`,
          'x-default': `${base}${path}`,
        });
        expect(alternates).toHaveLength(3);
        const title = decode(res.body.match(/<title>([^<]*)<\/title>/)?.[1] ?? '');
        const [description] = metaContent(res.body, 'name', 'description');
        expect(title, where).toBeTruthy();
        expect(description, where).toBeTruthy();
        descriptions.push(description!);
        expect(metaContent(res.body, 'property', 'og:title'), where).toEqual([title]);
        expect(metaContent(res.body, 'property', 'og:description'), where).toEqual([description]);
        expect(metaContent(res.body, 'property', 'og:url'), where).toEqual([canonical]);
        expect(metaContent(res.body, 'property', 'og:type'), where).toEqual(['website']);
        expect(metaContent(res.body, 'property', 'og:site_name'), where).toEqual(['Switchboard']);
        expect(metaContent(res.body, 'property', 'og:locale'), where).toEqual([words[lang]]);
        expect(metaContent(res.body, 'property', 'og:locale:alternate'), where).toEqual(
          LOCALES.filter((l) => l !== lang).map((l) => words[l]),
        );
        expect(metaContent(res.body, 'property', 'og:image')[0], where).toMatch(
          new RegExp(`^${base}/static/`),
        );
        expect(metaContent(res.body, 'name', 'twitter:card'), where).toEqual(['summary']);
        expect(metaContent(res.body, 'name', 'twitter:title'), where).toEqual([title]);
      }
      // Each language says it in its own words.
      expect(new Set(descriptions).size, path).toBe(LOCALES.length);
    }
  });

  it('describes each page from its own messages, in the language shown', async () => {
    const cases = [
      { path: '/', key: 'site:home.intro' },
      { path: '/help', key: 'tickets:help.intro' },
      { path: '/contact', key: 'leads:contact.intro' },
    ];
    for (const { path, key } of cases)
      for (const lang of LOCALES) {
        const res = await page(`${path}?lang=${lang}`);
        expect(metaContent(res.body, 'name', 'description'), `${path} ${lang}`).toEqual([
          translator(lang)(key, { app: 'Switchboard' }),
        ]);
      }
  });

  it('shows the negotiated page at the bare path, canonical to the language it shows', async () => {
    const dutch = await page('/help', { 'accept-language': 'nl' });
    expect(dutch.body).toContain('<html lang="nl"');
    expect(links(dutch.body, 'canonical').map((l) => l.href)).toEqual([`${base}/help?lang=nl`]);
    // ?lang= wins over the browser's language, and the switch comes back to the page without it.
    const english = await page('/help?lang=en', { 'accept-language': 'nl' });
    expect(english.body).toContain('<html lang="en"');
    expect(english.body).toContain('name="back" value="/help"');
  });
});

describe('pages that must not be indexed', () => {
  it('marks sign-in, sign-up and every token page noindex, with no canonical or preview tags', async () => {
    for (const url of [
      '/login',
      '/signup',
      '/reset',
      '/auth/magic?token=abc',
      '/auth/reset?token=abc',
      '/auth/verify?token=abc',
      '/auth/invite?token=abc',
      '/help/confirm?token=abc',
      '/help/sent',
      '/contact/sent',
    ]) {
      const res = await page(url);
      expect(res.statusCode, url).toBeLessThan(500);
      if (res.statusCode >= 300 && res.statusCode < 400) continue;
      expect(isNoindex(res.body), url).toBe(true);
      expect(links(res.body, 'canonical'), url).toEqual([]);
      expect(metaContent(res.body, 'property', 'og:title'), url).toEqual([]);
    }
  });

  it('answers a missing page 404 with a helpful noindex page in both languages', async () => {
    for (const lang of LOCALES) {
      const res = await page('/no-such-page', { 'accept-language': lang });
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body).toContain(`<html lang="${lang}"`);
      expect(decode(res.body)).toContain(translator(lang)('error.notFound'));
      expect(res.body).toContain('href="/"');
      expect(isNoindex(res.body)).toBe(true);
    }
  });
});

describe('caching', () => {
  it('tags robots.txt and the sitemap, and answers 304 while they are unchanged', async () => {
    for (const url of ['/robots.txt', '/sitemap.xml']) {
      const first = await t.app.inject({ url });
      const etag = first.headers.etag as string;
      expect(etag, url).toMatch(/^"[\w-]+"$/);
      expect(first.headers['cache-control'], url).toBe('public, max-age=3600');
      const again = await t.app.inject({ url, headers: { 'if-none-match': etag } });
      expect(again.statusCode, url).toBe(304);
      expect(again.body, url).toBe('');
      const weak = await t.app.inject({ url, headers: { 'if-none-match': `"other", W/${etag}` } });
      expect(weak.statusCode, url).toBe(304);
      const stale = await t.app.inject({ url, headers: { 'if-none-match': '"stale"' } });
      expect(stale.statusCode, url).toBe(200);
    }
  });

  it('tags the home page in each language and answers 304 to a current copy', async () => {
    for (const url of ['/', '/?lang=nl']) {
      const first = await page(url);
      const cookie = first.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
      const kept = await page(url, { cookie });
      const etag = kept.headers.etag as string;
      expect(etag, url).toBeTruthy();
      expect(kept.headers['cache-control'], url).toBe('private, no-cache');
      const again = await page(url, { cookie, 'if-none-match': etag });
      expect(again.statusCode, url).toBe(304);
    }
    const dutch = await page('/?lang=nl');
    expect(dutch.body).toContain('<html lang="nl"');
  });
});
