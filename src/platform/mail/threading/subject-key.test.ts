import { describe, expect, it } from 'vitest';
import { cleanSubject, keyInSubject, subjectWithKey } from './subject-key.js';

describe('subjectWithKey', () => {
  it('puts the bracketed key in front of the subject', () => {
    expect(subjectWithKey('Printer on fire', 'SB-10423')).toBe('[SB-10423] Printer on fire');
  });

  it('does not add it again, in whatever case a mail client sent it back', () => {
    expect(subjectWithKey('[SB-10423] Printer on fire', 'SB-10423')).toBe('[SB-10423] Printer on fire');
    expect(subjectWithKey('Re: [SB-1] x', 'SB-1')).toBe('Re: [SB-1] x');
    expect(subjectWithKey('RE: [sb-1] x', 'SB-1')).toBe('RE: [sb-1] x');
  });

  it('places the key after reply prefixes, where clients keep looking for them', () => {
    expect(subjectWithKey('Re: Fwd: x', 'SB-1')).toBe('Re: Fwd: [SB-1] x');
    expect(subjectWithKey('  AW:x  ', 'SB-1')).toBe('AW: [SB-1] x');
  });

  it('moves its key in front of another ticket’s, since the first key is the one read back', () => {
    expect(subjectWithKey('[SB-2] x', 'SB-1')).toBe('[SB-1] [SB-2] x');
    expect(subjectWithKey('Re: [SB-2] x [SB-1]', 'SB-1')).toBe('Re: [SB-1] [SB-2] x');
    expect(keyInSubject(subjectWithKey('[SB-2] x', 'SB-1'))).toBe('SB-1');
  });

  it('makes a subject of the key alone when there was none', () => {
    expect(subjectWithKey('', 'SB-1')).toBe('[SB-1]');
    expect(subjectWithKey('Re:', 'SB-1')).toBe('Re: [SB-1]');
  });

  it('refuses something that is no ticket key', () => {
    expect(() => subjectWithKey('x', 'SB-')).toThrow();
    expect(() => subjectWithKey('x', '10423')).toThrow();
    expect(() => subjectWithKey('x', 'SB-1] [SB-2')).toThrow();
  });
});

describe('keyInSubject', () => {
  it('finds a bracketed key anywhere, in any case, and answers it canonically', () => {
    expect(keyInSubject('[SB-10423] Printer')).toBe('SB-10423');
    expect(keyInSubject('Re: AW: Printer [sb-10423]')).toBe('SB-10423');
  });

  it('answers the first key when there are several', () => {
    expect(keyInSubject('[SB-5] about [SB-6]')).toBe('SB-5');
  });

  it('ignores bare keys, other prefixes, broken brackets and leading zeros', () => {
    expect(keyInSubject('About SB-10423 again')).toBeNull();
    expect(keyInSubject('[JIRA-10423] x')).toBeNull();
    expect(keyInSubject('[SB-10423 x]')).toBeNull();
    expect(keyInSubject('[SB-010423] x')).toBeNull();
    expect(keyInSubject('[SB-] x')).toBeNull();
    expect(keyInSubject('')).toBeNull();
  });
});

describe('cleanSubject', () => {
  it('strips repeated reply and forward prefixes in several languages', () => {
    expect(cleanSubject('Re: RE: Fwd: FW: Printer')).toBe('Printer');
    expect(cleanSubject('Antw: Doorst: Printer')).toBe('Printer');
    expect(cleanSubject('AW: WG: SV: VS: Printer')).toBe('Printer');
    expect(cleanSubject('Réf. : TR : RE : Imprimante')).toBe('Imprimante');
    expect(cleanSubject('RV: RES: ENC: Impressora')).toBe('Impressora');
    expect(cleanSubject('回复：打印机')).toBe('打印机');
  });

  it('strips Outlook’s reply counters', () => {
    expect(cleanSubject('Re[2]: RE(3): Printer')).toBe('Printer');
  });

  it('strips ticket keys wherever they are', () => {
    expect(cleanSubject('Re: [SB-1] Fwd: [SB-22] Printer [sb-3] broken')).toBe('Printer broken');
  });

  it('keeps words that merely start like a prefix, and a prefix-like word mid-subject', () => {
    expect(cleanSubject('Resume: my application')).toBe('Resume: my application');
    expect(cleanSubject('Reward: none')).toBe('Reward: none');
    expect(cleanSubject('R: package install fails')).toBe('R: package install fails');
    expect(cleanSubject('Printer Re: again')).toBe('Printer Re: again');
  });

  it('collapses whitespace and answers empty for a subject with nothing left', () => {
    expect(cleanSubject('  Printer \t on\n fire ')).toBe('Printer on fire');
    expect(cleanSubject('')).toBe('');
    expect(cleanSubject('Re: Fwd: [SB-1]')).toBe('');
  });
});
