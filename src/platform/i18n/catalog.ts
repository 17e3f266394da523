import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import i18next, { type TFunction } from 'i18next';
import { LRUCache } from 'lru-cache';
import { DEFAULT_LOCALE, LOCALES, type Locale } from './locales.js';

// Resolved from this module, so the same code finds src/* under tsx and dist/* when compiled.
const SHARED = new URL('../../web/messages/', import.meta.url);
const FEATURES = new URL('../../modules/', import.meta.url);

/** A folder of message files and the namespace its `<locale>.json` files fill. */
interface MessageFolder {
  namespace: string;
  url: URL;
}

/**
 * Every messages folder: the shared one (namespace `common`), then each feature's `messages/`
 * (namespace = the feature's folder name, so `tickets:inbox.title`). A file `<ns>.<locale>.json`
 * fills namespace `<ns>` instead (the mails, say), so one owner may keep several.
 */
function messageFolders(): MessageFolder[] {
  const folders: MessageFolder[] = [{ namespace: 'common', url: SHARED }];
  if (existsSync(FEATURES))
    for (const entry of readdirSync(FEATURES, { withFileTypes: true }))
      if (entry.isDirectory())
        folders.push({ namespace: entry.name, url: new URL(`${entry.name}/messages/`, FEATURES) });
  return folders.filter((f) => existsSync(f.url));
}

export type Messages = { [key: string]: string | Messages };
/** locale → namespace → messages, as read from disk. */
export type Catalogue = Record<Locale, Record<string, Messages>>;

/** Reads every message file. Exported for the test that compares the languages key by key. */
export function readCatalogue(): Catalogue {
  const catalogue = Object.fromEntries(LOCALES.map((l) => [l, {}])) as Catalogue;
  for (const folder of messageFolders()) {
    for (const file of readdirSync(folder.url)) {
      const match = /^(?:([a-z-]+)\.)?([a-z]{2})\.json$/.exec(file);
      const locale = LOCALES.find((l) => l === match?.[2]);
      if (!match || !locale) continue;
      const namespace = match[1] ?? folder.namespace;
      const path = fileURLToPath(new URL(file, folder.url));
      try {
        catalogue[locale][namespace] = JSON.parse(readFileSync(path, 'utf8')) as Messages;
      } catch (error) {
        throw new Error(`${path} is not valid JSON: ${(error as Error).message}`);
      }
    }
  }
  return catalogue;
}

const catalogue = readCatalogue();
const namespaces = [...new Set(LOCALES.flatMap((l) => Object.keys(catalogue[l])))];

// One instance for the process, initialised synchronously from the files read above.
const i18n = i18next.createInstance();
void i18n.init({
  initAsync: false,
  resources: catalogue,
  supportedLngs: [...LOCALES],
  fallbackLng: DEFAULT_LOCALE,
  ns: namespaces,
  defaultNS: 'common',
  fallbackNS: 'common',
  // Templates escape what they print; escaping here as well would show `&amp;` on the page.
  interpolation: { escapeValue: false },
  returnNull: false,
  // A missing key shows as itself, and the catalogue test fails on it before anyone sees it.
  saveMissing: false,
});

const translators = new Map<Locale, TFunction>();

/** The translate function for one language: `t(key)` with a namespace prefix (`tickets:`) and values. */
export function translator(locale: Locale): TFunction {
  let t = translators.get(locale);
  if (!t) {
    t = remembering(i18n.getFixedT(locale));
    translators.set(locale, t);
  }
  return t;
}

/** Text a template marked safe (nunjucks' SafeString): printed as its `val`, which its JSON holds. */
const isSafeText = (value: unknown): boolean =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { val?: unknown }).val === 'string' &&
  String(value) === (value as { val: string }).val;

/** Distinct (key, values) pairs kept per language; a page asks for a few hundred. */
const KEPT_TRANSLATIONS = 5000;

/**
 * i18next resolves every call anew (namespace, fallbacks, plurals, nesting, interpolation): about
 * 10 µs, and a ticket list asks a few hundred times, which measured as a third of the page's time.
 * The catalogue never changes while the process runs, so an answer is kept per key and values
 * (bounded, for values such as names that vary without end). Calls with values that are not plain
 * text or numbers (objects, `returnObjects`) go to i18next each time.
 */
function remembering(fixed: TFunction): TFunction {
  const t = fixed as unknown as (...args: unknown[]) => unknown;
  const kept = new LRUCache<string, string>({ max: KEPT_TRANSLATIONS });
  const plainValues = (options: Record<string, unknown>) => {
    for (const value of Object.values(options)) {
      const type = typeof value;
      if (type === 'string' || type === 'number' || type === 'boolean' || value === undefined) continue;
      // A template's safe string (`when(...)` in a list): its JSON is its text, as it is printed.
      if (isSafeText(value)) continue;
      return false;
    }
    return true;
  };
  const remembered = (...args: unknown[]) => {
    const [key, options] = args;
    const simple =
      args.length <= 2 &&
      typeof key === 'string' &&
      (options === undefined ||
        (typeof options === 'object' && options !== null && plainValues(options as Record<string, unknown>)));
    if (!simple) return t(...args);
    const id = options === undefined ? key : `${key}\u0000${JSON.stringify(options)}`;
    let text = kept.get(id);
    if (text === undefined) {
      text = String(t(...args));
      kept.set(id, text);
    }
    return text;
  };
  return remembered as unknown as TFunction;
}

/** Whether `key` (with its namespace prefix) exists for `locale`, plural forms included. */
export function hasMessage(locale: Locale, key: string): boolean {
  return (
    i18n.exists(key, { lng: locale, fallbackLng: false, count: 1 }) ||
    i18n.exists(key, { lng: locale, fallbackLng: false })
  );
}
