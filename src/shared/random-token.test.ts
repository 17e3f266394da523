import { describe, expect, it } from 'vitest';
import { randomToken } from './random-token.js';

describe('randomToken', () => {
  it('hands out 256-bit base64url tokens, never the same twice, across pool refills', () => {
    const seen = new Set<string>();
    // 4096 / 32 = 128 a pool: this crosses several refills.
    for (let i = 0; i < 1000; i++) {
      const token = randomToken();
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      seen.add(token);
    }
    expect(seen.size).toBe(1000);
    // Not the zeroes left behind by a used slot.
    expect(seen.has(Buffer.alloc(32).toString('base64url'))).toBe(false);
  });
});
