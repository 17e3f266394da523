import { randomBytes } from 'node:crypto';

/** Random bytes drawn from the operating system at a time; each is handed out once. */
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let offset = 0;

/**
 * 256 random bits as base64url (43 characters), from the same CSPRNG as `randomBytes(32)`, drawn
 * 4 kB at a time: one `randomBytes(32)` per anonymous page view (its pre-session token) took 8 %
 * of a kept page's time (bench/README.md), most of it the call, not the bytes. Used bytes are
 * zeroed, so the pool never holds a token that was already handed out.
 */
export function randomToken(): string {
  if (offset + 32 > pool.length) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  const token = pool.toString('base64url', offset, offset + 32);
  pool.fill(0, offset, offset + 32);
  offset += 32;
  return token;
}
