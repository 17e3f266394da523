import { describe, expect, it } from 'vitest';
import { replyAddressFor, ticketFromAddress } from './reply-address.js';

const SECRET = 'a-secret-key-of-at-least-thirty-two-characters';
const OTHER_SECRET = 'another-secret-key-of-thirty-two-characters!';

describe('replyAddressFor', () => {
  it('puts the ticket key and a 10-character lowercase base32 tag after a plus', () => {
    expect(replyAddressFor('support@example.com', '10423', SECRET)).toMatch(
      /^support\+SB-10423\.[a-z2-7]{10}@example\.com$/,
    );
  });

  it('keeps making the same tag, so addresses already sent out keep working', () => {
    // Pinned (checked against Python's base64.b32encode of the same HMAC): a change of purpose
    // label, encoding or input would orphan every conversation in flight.
    expect(replyAddressFor('support@example.com', '10423', SECRET)).toBe(
      'support+SB-10423.kvxumpl2qw@example.com',
    );
  });

  it('signs each ticket differently', () => {
    const tag = (n: string) => replyAddressFor('support@example.com', n, SECRET).split(/[.@]/)[1];
    expect(tag('10423')).not.toBe(tag('10424'));
  });

  it('refuses a base that is no address and a number that is no ticket number', () => {
    expect(() => replyAddressFor('support', '10423', SECRET)).toThrow();
    expect(() => replyAddressFor('@example.com', '10423', SECRET)).toThrow();
    expect(() => replyAddressFor('support@example.com', '0104', SECRET)).toThrow();
    expect(() => replyAddressFor('support@example.com', '12.3', SECRET)).toThrow();
  });
});

describe('ticketFromAddress', () => {
  const address = replyAddressFor('support@example.com', '10423', SECRET);

  it('reads back the ticket and the support address', () => {
    expect(ticketFromAddress(address, SECRET)).toEqual({
      ticketNumber: '10423',
      base: 'support@example.com',
    });
  });

  it('accepts the address after a mail system upper- or lowercased it', () => {
    expect(ticketFromAddress(address.toUpperCase(), SECRET)).toEqual({
      ticketNumber: '10423',
      base: 'SUPPORT@EXAMPLE.COM',
    });
    expect(ticketFromAddress(address.toLowerCase(), SECRET)?.ticketNumber).toBe('10423');
  });

  it('keeps a plus the support address has of its own', () => {
    const tagged = replyAddressFor('help+desk@example.com', '7', SECRET);
    expect(ticketFromAddress(tagged, SECRET)).toEqual({ ticketNumber: '7', base: 'help+desk@example.com' });
  });

  it('refuses a wrong tag, a truncated one and one of another ticket', () => {
    const tag = address.slice(address.indexOf('.') + 1, address.indexOf('@'));
    const flipped = (tag[0] === 'a' ? 'b' : 'a') + tag.slice(1);
    expect(ticketFromAddress(address.replace(tag, flipped), SECRET)).toBeNull();
    expect(ticketFromAddress(address.replace(tag, tag.slice(0, 9)), SECRET)).toBeNull();
    expect(ticketFromAddress(address.replace(tag, `${tag}a`), SECRET)).toBeNull();
    expect(ticketFromAddress(address.replace('SB-10423', 'SB-10424'), SECRET)).toBeNull();
  });

  it('refuses an address signed under another secret key', () => {
    expect(
      ticketFromAddress(replyAddressFor('support@example.com', '10423', OTHER_SECRET), SECRET),
    ).toBeNull();
  });

  it('refuses addresses without a tag or with a plus part of another form', () => {
    expect(ticketFromAddress('support@example.com', SECRET)).toBeNull();
    expect(ticketFromAddress('support+SB-10423@example.com', SECRET)).toBeNull();
    expect(ticketFromAddress('support+newsletter@example.com', SECRET)).toBeNull();
    expect(ticketFromAddress(address.replace('SB-10423', 'SB-010423'), SECRET)).toBeNull();
    expect(ticketFromAddress(address.replace('+SB-', '+XY-'), SECRET)).toBeNull();
  });

  it('answers null to garbage without throwing', () => {
    for (const garbage of [
      '',
      '@',
      'no-at-sign',
      address.replace('@example.com', ''),
      address.replace('@', '@@'),
      `${address} `.repeat(2),
      `${'a'.repeat(10_000)}+SB-10423.aaaaaaaaaa@example.com`,
      'x'.repeat(10_000),
      '+SB-10423.aaaaaaaaaa@example.com',
    ]) {
      expect(ticketFromAddress(garbage, SECRET)).toBeNull();
    }
  });
});
