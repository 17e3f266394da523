import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new client secret: 256 random bits, prefixed so a leaked one is recognisable in a scan. */
export const newClientSecret = (): string => `sbcs_${randomBytes(32).toString('base64url')}`;

/** What the database keeps of a secret (high-entropy, so a plain SHA-256 is enough). */
export const hashClientSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** Compares a presented secret with the stored hash in constant time. */
export function clientSecretMatches(presented: string, storedHash: string): boolean {
  const a = Buffer.from(hashClientSecret(presented), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
