import { hkdfSync } from 'node:crypto';

/**
 * A 256-bit key for one purpose, derived from SECRET_KEY by HKDF-SHA256 (RFC 5869): a leak of one
 * derived key opens nothing else, and none of them is ever stored. Same salt as SealedBox; the
 * purpose strings differ, so the keys do.
 */
export const deriveKey = (secretKey: string, purpose: string): Buffer =>
  Buffer.from(hkdfSync('sha256', secretKey, 'switchboard', purpose, 32));
