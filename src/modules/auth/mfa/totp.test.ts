import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { totpCode } from '../../../../test/support/totp.js';
import { SealedBox } from '../../../platform/secrets/sealed-box.js';
import { matchTotp, newTotpSecret, totpQrSvg, totpUri } from './totp.js';

/** RFC 6238 Appendix B: the SHA-1 seed "12345678901234567890", 8-digit codes; we check the last 6. */
const RFC_SEED_BASE32 = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const RFC_VECTORS: [number, string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
];

describe('TOTP', () => {
  it.each(RFC_VECTORS)('matches the RFC 6238 test vector at t=%i', (seconds, eight) => {
    const step = matchTotp(RFC_SEED_BASE32, eight.slice(2), seconds * 1000);
    expect(step).toBe(Math.floor(seconds / 30));
  });

  it.runIf(existsSync('/usr/bin/oathtool'))(
    'accepts codes from an independent implementation (oathtool)',
    () => {
      const secret = newTotpSecret();
      const code = execFileSync('oathtool', ['--totp', '-b', secret], { encoding: 'utf8' }).trim();
      expect(matchTotp(secret, code)).toBeDefined();
    },
  );

  it('accepts ±1 step and refuses a code two steps old', () => {
    const now = 1_800_000_000_000;
    const secret = newTotpSecret();
    const codeAt = (ms: number) => totpCode(secret, ms);
    expect(matchTotp(secret, codeAt(now - 30_000), now)).toBe(Math.floor(now / 30_000) - 1);
    expect(matchTotp(secret, codeAt(now - 60_000), now)).toBeUndefined();
    expect(matchTotp(secret, 'abcdef', now)).toBeUndefined();
  });

  it('builds an otpauth:// URI with issuer and a QR code as SVG', async () => {
    const uri = totpUri('JBSWY3DPEHPK3PXP', 'Switchboard', 'ada@example.com');
    expect(uri).toMatch(
      /^otpauth:\/\/totp\/Switchboard:ada%40example\.com\?issuer=Switchboard&secret=JBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&period=30$/,
    );
    expect(await totpQrSvg(uri)).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
  });
});

describe('SealedBox', () => {
  it('round-trips, detects tampering and separates purposes', () => {
    const box = new SealedBox('k'.repeat(48), 'totp');
    const sealed = box.seal('JBSWY3DPEHPK3PXP');
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(box.open(sealed)).toBe('JBSWY3DPEHPK3PXP');
    const tampered = `${sealed.slice(0, -2)}${sealed.endsWith('A') ? 'B' : 'A'}A`;
    expect(() => box.open(tampered)).toThrow();
    expect(() => new SealedBox('k'.repeat(48), 'other').open(sealed)).toThrow();
  });
});
