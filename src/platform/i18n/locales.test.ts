import { describe, expect, it } from 'vitest';
import { fromAcceptLanguage, pickLocale, supportedLocale } from './locales.js';

describe('choosing a language', () => {
  it('reads Accept-Language by q-value, then by order, skipping what we do not speak', () => {
    expect(fromAcceptLanguage('nl-NL,nl;q=0.9,en-US;q=0.8,en;q=0.7')).toBe('nl');
    expect(fromAcceptLanguage('de-DE,de;q=0.9,nl;q=0.8,en;q=0.5')).toBe('nl');
    expect(fromAcceptLanguage('en;q=0.2, nl;q=0.9')).toBe('nl');
    expect(fromAcceptLanguage('fr, de')).toBeUndefined();
    expect(fromAcceptLanguage('nl;q=0, en')).toBe('en');
    expect(fromAcceptLanguage('*')).toBeUndefined();
    expect(fromAcceptLanguage(undefined)).toBeUndefined();
  });

  it('takes the first candidate it speaks, else English', () => {
    expect(pickLocale(null, 'nl-BE', 'en')).toBe('nl');
    expect(pickLocale(undefined, 'xx')).toBe('en');
    expect(supportedLocale('NL_nl')).toBe('nl');
    expect(supportedLocale('english')).toBeUndefined();
  });
});
