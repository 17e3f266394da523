import nunjucks from 'nunjucks';
import { describe, expect, it } from 'vitest';
import { translator } from './catalog.js';

describe('translator', () => {
  it('is one function per language, kept for the process', () => {
    expect(translator('en')).toBe(translator('en'));
    expect(translator('nl')).not.toBe(translator('en'));
  });

  it('answers a kept call exactly as the first time, per key, values and language', () => {
    const t = translator('en');
    const first = t('shell.userMenu', { name: 'Ada' });
    expect(first).toBe('Account menu for Ada');
    expect(t('shell.userMenu', { name: 'Ada' })).toBe(first);
    expect(t('shell.userMenu', { name: 'Grace' })).toBe('Account menu for Grace');
    expect(translator('nl')('shell.userMenu', { name: 'Ada' })).not.toBe(first);
  });

  it('keeps a template’s safe strings apart by their text', () => {
    const t = translator('en');
    const safe = (text: string) => new nunjucks.runtime.SafeString(text);
    expect(t('shell.userMenu', { name: safe('<b>Ada</b>') })).toBe('Account menu for <b>Ada</b>');
    expect(t('shell.userMenu', { name: safe('<b>Bob</b>') })).toBe('Account menu for <b>Bob</b>');
    expect(t('shell.userMenu', { name: safe('<b>Ada</b>') })).toBe('Account menu for <b>Ada</b>');
  });

  it('keeps plural forms apart by count', () => {
    const t = translator('en');
    const one = t('tickets:categories.listHeading', { count: 1 });
    const many = t('tickets:categories.listHeading', { count: 3 });
    expect(one).toBe('1 category');
    expect(many).toMatch(/^3 categor/);
    expect(t('tickets:categories.listHeading', { count: 1 })).toBe(one);
  });

  it('passes calls it cannot key (object values, a default and options) to i18next each time', () => {
    const t = translator('en') as unknown as (...args: unknown[]) => unknown;
    expect(t('shell.userMenu', { name: { toString: () => 'Object' } })).toBe('Account menu for Object');
    expect(t('no.such.key', 'Fallback text', {})).toBe('Fallback text');
  });
});
