import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/schema.js';

/**
 * The pages search engines may list, as each feature declares them (`FeatureModule.publicPages`),
 * so the sitemap lists every public page without knowing the features: the site's home page, the
 * help and contact forms today; the CMS pages, knowledge-base articles and blog posts as those
 * features arrive, each from its own table. It sits beside the navigation registry for the same
 * reason: the module contract may import this floor and no higher.
 */
export interface PublicPage {
  /** The path, without query or host: `/help`. Each language's address adds `?lang=` to it. */
  path: string;
  /** When what the page shows last changed, when the feature knows (sitemap `lastmod`). */
  lastModified?: Date;
}

/** A fixed list, or a function that reads the feature's content (published articles, say). */
export type PublicPageSource = readonly PublicPage[] | ((db: Kysely<DB>) => Promise<readonly PublicPage[]>);

const sources: PublicPageSource[] = [];

/** modules/index.ts registers each FeatureModule's `publicPages` when the feature list loads. */
export function registerPublicPages(source: PublicPageSource): void {
  if (!sources.includes(source)) sources.push(source);
}

/**
 * A path a sitemap may hold: absolute, no query, fragment, `..` or doubled slash, so a feature's
 * slip (a query that would carry a token, a path that escapes) never reaches a search engine.
 */
const LISTABLE = /^\/(?:[A-Za-z0-9._~!$&'()*+,;=:@%-]+(?:\/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)*\/?)?$/;
export const isListablePath = (path: string): boolean => LISTABLE.test(path) && !path.includes('..');

/** Every registered public page, once per path (the first declaration wins), in registration order. */
export async function listPublicPages(db: Kysely<DB>): Promise<PublicPage[]> {
  const seen = new Map<string, PublicPage>();
  for (const source of sources) {
    const pages = typeof source === 'function' ? await source(db) : source;
    for (const page of pages)
      if (isListablePath(page.path) && !seen.has(page.path)) seen.set(page.path, page);
  }
  return [...seen.values()];
}
