import { describe, expect, it } from 'vitest';
import { translator } from './catalog.js';
import { formatDate, formatRelative, isTimeZone } from './format.js';

const noonUtc = new Date('2026-07-01T12:00:00Z');

describe('dates and times for the reader', () => {
  it('shows a summer noon in UTC as 14:00 in Amsterdam, in each language’s own format', () => {
    expect(formatDate(noonUtc, 'nl', 'Europe/Amsterdam')).toBe('1 jul 2026, 14:00');
    expect(formatDate(noonUtc, 'en', 'Europe/Amsterdam')).toBe('1 Jul 2026, 14:00');
    expect(formatDate(noonUtc, 'en', 'UTC', 'time')).toBe('12:00');
  });

  it('says how long ago, in words of the language', () => {
    const now = noonUtc.getTime();
    expect(formatRelative(new Date(now - 5 * 60_000), 'en', now)).toBe('5 minutes ago');
    expect(formatRelative(new Date(now - 5 * 60_000), 'nl', now)).toBe('5 minuten geleden');
    expect(formatRelative(new Date(now - 86_400_000), 'nl', now)).toBe('gisteren');
  });

  it('knows real zones only', () => {
    // Twice each: the second answer is the kept one.
    for (let i = 0; i < 2; i++) {
      expect(isTimeZone('Europe/Amsterdam')).toBe(true);
      expect(isTimeZone('Mars/Olympus')).toBe(false);
      expect(isTimeZone('')).toBe(false);
    }
  });

  it('translates with plurals and falls back to English only for a missing language', () => {
    expect(translator('nl')('mail:subjects.ticketDigest', { count: 3 })).toBe('3 updates over je tickets');
    expect(translator('en')('mail:subjects.ticketDigest', { count: 1 })).toBe('1 update on your tickets');
    expect(translator('nl')('shell.signOut')).toBe('Uitloggen');
  });
});
