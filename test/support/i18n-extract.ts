import { readdirSync } from 'node:fs';
import path from 'node:path';

/** Every file under `dir` whose name ends with one of `endings`, as paths relative to the project. */
export function filesUnder(dir: string, endings: readonly string[]): string[] {
  const found: string[] = [];
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (endings.some((e) => entry.name.endsWith(e))) found.push(full);
    }
  };
  walk(dir);
  return found.sort();
}

/** Templates still being translated carry this comment; the suite refuses it once the issue closes. */
export const PENDING_MARK = '{# i18n: pending #}';

/** Message keys a source names literally: `t('ns:key')`, and the navigation's `label:`/`description:`. */
export function keysUsedIn(source: string): string[] {
  const keys: string[] = [];
  // A key ending in `.` is a prefix completed at run time (`'shell.themes.' ~ option`): not checkable.
  for (const match of source.matchAll(/\bt\(\s*['"]([A-Za-z0-9_.:-]*[A-Za-z0-9_])['"]/g))
    keys.push(match[1]!);
  for (const match of source.matchAll(
    /\b(?:label|description|labelKey|messageKey): '([a-z]+:[A-Za-z0-9_.-]+)'/g,
  ))
    keys.push(match[1]!);
  return keys;
}

/** Attributes people read (or hear): their values must come from the catalogue too. */
const READ_ATTRIBUTES = [
  'aria-label',
  'placeholder',
  'title',
  'alt',
  'aria-description',
  'content',
  'label',
  'data-confirm',
];

/**
 * Text a template shows that is not produced by an expression: what is left after removing
 * comments, tags and expressions, scripts and styles, then the markup, plus readable attributes
 * with literal letters in them. Letters there mean untranslated words.
 */
export function untranslatedText(template: string): string[] {
  let text = template
    .replace(/\{#[\s\S]*?#\}/g, ' ')
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<style[\s\S]*?<\/style>/g, ' ')
    .replace(/<svg[\s\S]*?<\/svg>/g, ' ');
  const found: string[] = [];
  for (const tag of text.matchAll(/<[a-zA-Z][^>]*>/g)) {
    for (const attribute of READ_ATTRIBUTES) {
      const value = new RegExp(`\\s${attribute}="([^"]*)"`).exec(tag[0])?.[1];
      if (value === undefined) continue;
      if (attribute === 'content' && !/name="description"/.test(tag[0])) continue;
      const literal = value.replace(/\{\{[\s\S]*?\}\}/g, ' ').replace(/\{%[\s\S]*?%\}/g, ' ');
      if (/[A-Za-z]{2,}/.test(literal)) found.push(`${attribute}="${value}"`);
    }
  }
  text = text
    .replace(/\{%[\s\S]*?%\}/g, ' ')
    .replace(/\{\{[\s\S]*?\}\}/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&[a-z]+;|&#\d+;/g, ' ');
  for (const line of text.split('\n')) {
    const words = line.trim();
    if (/[A-Za-z]{2,}/.test(words)) found.push(words);
  }
  return found;
}
