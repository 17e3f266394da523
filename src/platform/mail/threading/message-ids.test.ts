import { describe, expect, it } from 'vitest';
import { domainOf, newMessageId, parseMessageIds, referencesFor } from './message-ids.js';

const ids = (count: number, from = 0) =>
  Array.from({ length: count }, (_, i) => `<m${from + i}@example.com>`);

describe('newMessageId', () => {
  it('makes a bracketed uuid at the domain, a new one each time', () => {
    const id = newMessageId('desk.example.com');
    expect(id).toMatch(
      /^<[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}@desk\.example\.com>$/,
    );
    expect(newMessageId('desk.example.com')).not.toBe(id);
  });

  it('reads back through parseMessageIds unchanged', () => {
    const id = newMessageId('example.com');
    expect(parseMessageIds(id)).toEqual([id]);
  });

  it('refuses a domain that could break the header', () => {
    for (const domain of [
      '',
      'example.com>\r\nBcc: x@evil.test',
      'a b.com',
      'user@example.com',
      '-x.com',
      'ex_ample.com',
    ]) {
      expect(() => newMessageId(domain)).toThrow();
    }
  });
});

describe('parseMessageIds', () => {
  it('answers nothing for a missing or empty header', () => {
    expect(parseMessageIds(undefined)).toEqual([]);
    expect(parseMessageIds('')).toEqual([]);
    expect(parseMessageIds([])).toEqual([]);
  });

  it('finds bracketed ids separated by spaces, folded lines, commas or nothing, in order', () => {
    expect(parseMessageIds('<a@x.com> <b@x.com>\r\n\t<c@x.com>,<d@x.com><e@x.com>')).toEqual([
      '<a@x.com>',
      '<b@x.com>',
      '<c@x.com>',
      '<d@x.com>',
      '<e@x.com>',
    ]);
  });

  it('takes several header values, as a parser gives repeated headers', () => {
    expect(parseMessageIds(['<a@x.com>', '<b@x.com> <a@x.com>'])).toEqual(['<a@x.com>', '<b@x.com>']);
  });

  it('skips comments and stray text between ids', () => {
    expect(parseMessageIds('<a@x.com> (the first one) <b@x.com> ; junk')).toEqual(['<a@x.com>', '<b@x.com>']);
  });

  it('brackets a single id written without them, but no list of bare words', () => {
    expect(parseMessageIds('  a@x.com\r\n')).toEqual(['<a@x.com>']);
    expect(parseMessageIds('a@x.com b@x.com')).toEqual([]);
    expect(parseMessageIds('<a@x.com')).toEqual([]);
  });

  it('keeps ids exactly as written, case and all, each once', () => {
    expect(parseMessageIds('<Abc@X.com> <abc@x.com> <Abc@X.com>')).toEqual(['<Abc@X.com>', '<abc@x.com>']);
  });

  it('drops an id longer than a line', () => {
    const long = `<${'a'.repeat(997)}@x>`;
    expect(parseMessageIds(`<a@x.com> ${long}`)).toEqual(['<a@x.com>']);
    const longest = `<${'a'.repeat(994)}@x>`;
    expect(longest).toHaveLength(998);
    expect(parseMessageIds(longest)).toEqual([longest]);
  });

  it('keeps the first and the latest 99 of a header with too many ids', () => {
    const parsed = parseMessageIds(ids(10_000).join(' '));
    expect(parsed).toHaveLength(100);
    expect(parsed[0]).toBe('<m0@example.com>');
    expect(parsed[1]).toBe('<m9901@example.com>');
    expect(parsed[99]).toBe('<m9999@example.com>');
  });
});

describe('referencesFor', () => {
  it('is the parent’s references followed by the parent’s id', () => {
    expect(referencesFor({ messageId: '<c@x>', references: ['<a@x>', '<b@x>'] })).toEqual([
      '<a@x>',
      '<b@x>',
      '<c@x>',
    ]);
    expect(referencesFor({ messageId: '<a@x>', references: [] })).toEqual(['<a@x>']);
  });

  it('adds nothing for a parent without an id, and no id twice', () => {
    expect(referencesFor({ messageId: '', references: ['<a@x>'] })).toEqual(['<a@x>']);
    expect(referencesFor({ messageId: '<a@x>', references: ['<a@x>', '<b@x>'] })).toEqual(['<a@x>', '<b@x>']);
  });

  it('keeps 21 ids as they are and trims longer chains to the first and the latest 20', () => {
    expect(referencesFor({ messageId: '<m20@example.com>', references: ids(20) })).toEqual(ids(21));
    const trimmed = referencesFor({ messageId: '<m30@example.com>', references: ids(30) });
    expect(trimmed).toEqual(['<m0@example.com>', ...ids(20, 11)]);
    expect(trimmed.at(-1)).toBe('<m30@example.com>');
  });
});

describe('domainOf', () => {
  it('answers the lowercased domain after the last @', () => {
    expect(domainOf('Support@Example.COM')).toBe('example.com');
    expect(domainOf('"a@b"@desk.example.com')).toBe('desk.example.com');
  });

  it('punycodes an internationalised domain, so it fits an ASCII header', () => {
    expect(domainOf('info@bücher.de')).toBe('xn--bcher-kva.de');
  });

  it('answers null when there is no usable domain', () => {
    for (const address of [
      'support',
      'support@',
      '@',
      'a@b c.com',
      'a@exa<mple.com',
      'a@[192.0.2.1]',
      'a@123@',
    ]) {
      expect(domainOf(address)).toBeNull();
    }
  });
});
