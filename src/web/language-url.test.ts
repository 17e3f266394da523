import { describe, expect, it } from 'vitest';
import { alternatesOf, langInUrl, languageUrl, withoutLang } from './language-url.js';

describe('language addresses', () => {
  it('reads ?lang= only when it names a language we speak', () => {
    expect(langInUrl('/help?lang=nl')).toBe('nl');
    expect(langInUrl('/help?x=1&lang=en-GB')).toBe('en');
    expect(langInUrl('/help?lang=de')).toBeUndefined();
    expect(langInUrl('/help')).toBeUndefined();
    expect(langInUrl(undefined)).toBeUndefined();
  });

  it('drops ?lang= and keeps everything else', () => {
    expect(withoutLang('/help?lang=nl')).toBe('/help');
    expect(withoutLang('/inbox?q=printer&lang=nl&page=2')).toBe('/inbox?q=printer&page=2');
    expect(withoutLang('/inbox?q=printer')).toBe('/inbox?q=printer');
    expect(withoutLang('/')).toBe('/');
  });

  it('builds absolute addresses from PUBLIC_URL, with or without a trailing slash', () => {
    expect(languageUrl('https://desk.example/', '/help', 'nl')).toBe('https://desk.example/help?lang=nl');
    expect(languageUrl('https://desk.example', '/')).toBe('https://desk.example/');
    expect(alternatesOf('https://desk.example', '/contact')).toEqual([
      { hreflang: 'en', href: 'https://desk.example/contact?lang=en' },
      { hreflang: 'nl', href: 'https://desk.example/contact?lang=nl' },
      { hreflang: 'x-default', href: 'https://desk.example/contact' },
    ]);
  });
});
