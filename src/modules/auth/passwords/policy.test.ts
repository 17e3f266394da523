import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, verifyPassword } from './hash.js';
import { checkPassword, normalizePassword } from './policy.js';

const rules = { minLength: 12 };

describe('password policy', () => {
  it('rejects 11 characters and accepts 12', () => {
    expect(checkPassword('kettle-moon', rules)?.code).toBe('too_short');
    expect(checkPassword('kettle-moon7', rules)).toBeUndefined();
  });

  it('counts characters, not UTF-16 units', () => {
    expect(checkPassword('🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑', rules)?.code).toBe('too_short');
  });

  it('accepts 128 characters', () => {
    expect(checkPassword('a1b2c3d4'.repeat(16), rules)).toBeUndefined();
  });

  it('rejects common passwords with a reason', () => {
    const problem = checkPassword('passwordpassword', rules);
    expect(problem?.code).toBe('common');
    expect(problem?.message).toMatch(/commonly used or leaked/);
    expect(checkPassword('Baseball123456', rules)?.code).toBe('common');
    expect(checkPassword('tangerine-orbit-41', rules)).toBeUndefined();
    expect(checkPassword('123456789012', rules)?.code).toBe('common');
    expect(checkPassword('qwertyuiop2024!', rules)?.code).toBe('common');
  });

  it('rejects passwords built from the product’s name, however spelled, with a clear reason', () => {
    for (const password of [
      'switchboard',
      'Switchboard2026!',
      'SWITCHBOARD-SWITCHBOARD',
      'sw1tchb0ard...',
      'Sw!tchB0@rd#2026',
      's.w.i.t.c.h.b.o.a.r.d.1',
      'my-5witchboard-login',
      'ｓｗｉｔｃｈｂｏａｒｄ１２３',
    ]) {
      // (a site may lower the minimum to NIST's 8, and 'switchboard' is 11 characters)
      const problem = checkPassword(password, { minLength: 8 });
      expect(problem?.code, password).toBe('site_name');
      expect(problem?.message).toBe('Do not build your password from the name of this site (Switchboard).');
    }
    expect(checkPassword('switch-keyboard-42', rules)).toBeUndefined();
    expect(checkPassword('board-switch-2026', rules)).toBeUndefined();
  });

  it('rejects passwords built from the instance name, when one is set', () => {
    const acme = { ...rules, siteName: 'Acme Helpdesk' };
    expect(checkPassword('AcmeHelpdesk2026!', acme)?.message).toBe(
      'Do not build your password from the name of this site (Acme Helpdesk).',
    );
    expect(checkPassword('acme-h3lpd3sk-login', acme)?.code).toBe('site_name');
    expect(checkPassword('AcmeHelpdesk2026!', rules)).toBeUndefined();
    // Names under four letters would refuse too much.
    expect(checkPassword('tangerine-orbit-41', { ...rules, siteName: 'Orb' })).toBeUndefined();
  });

  it('rejects passwords containing the user’s email or name', () => {
    expect(checkPassword('margaret-rocks-2026', { ...rules, email: 'margaret@example.com' })?.code).toBe(
      'personal',
    );
    expect(checkPassword('i-am-hamilton-42', { ...rules, displayName: 'Margaret Hamilton' })?.code).toBe(
      'personal',
    );
  });

  it('normalises Unicode (NFKC) so equivalent spellings are one password', () => {
    expect(normalizePassword('ﬁsh-and-chips')).toBe('fish-and-chips');
    expect(normalizePassword('cafe\u0301')).toBe(normalizePassword('café'));
  });
});

describe('password hashing', () => {
  it('hashes with argon2id and verifies only the right password', async () => {
    const phc = await hashPassword('correct horse battery');
    expect(phc).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(phc, 'correct horse battery')).toBe(true);
    expect(await verifyPassword(phc, 'correct horse batter')).toBe(false);
    expect(needsRehash(phc)).toBe(false);
  });

  it('verifies a 128-character password and refuses its 127-character prefix (no truncation)', async () => {
    const long = 'x7'.repeat(64);
    const phc = await hashPassword(long);
    expect(await verifyPassword(phc, long)).toBe(true);
    expect(await verifyPassword(phc, long.slice(0, 127))).toBe(false);
  });

  it('verifies an imported argon2 hash with other parameters and asks for a re-hash', async () => {
    const { hash } = await import('@node-rs/argon2');
    const imported = await hash('legacy-password', {
      algorithm: 2,
      memoryCost: 8192,
      timeCost: 3,
      parallelism: 2,
    });
    expect(await verifyPassword(imported, 'legacy-password')).toBe(true);
    expect(needsRehash(imported)).toBe(true);
  });

  it('treats a malformed stored hash as a failed check', async () => {
    expect(await verifyPassword('not-a-hash', 'anything')).toBe(false);
  });
});
