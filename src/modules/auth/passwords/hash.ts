import { hash, verify } from '@node-rs/argon2';

// Algorithm.Argon2id; the package exports it as an ambient const enum, which isolated modules cannot read.
const ARGON2ID = 2;

/**
 * argon2id with OWASP's minimum for argon2id (m = 19 MiB, t = 2, p = 1; OWASP Password Storage
 * Cheat Sheet, also NIST SP 800-63B §5.1.1.2's "memory-hard" recommendation). Stored as a PHC
 * string, so hashes imported from other systems verify with their own parameters.
 */
export const ARGON2_PARAMS = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_PARAMS);
}

export async function verifyPassword(phc: string, password: string): Promise<boolean> {
  try {
    return await verify(phc, password);
  } catch {
    // A malformed stored hash is a failed login, never a 500.
    return false;
  }
}

/** True when a stored hash used weaker (or other) parameters than today's: re-hash after login. */
export function needsRehash(phc: string): boolean {
  const match = /^\$argon2(id|i|d)\$v=\d+\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(phc);
  if (!match) return true;
  return (
    match[1] !== 'id' ||
    Number(match[2]) !== ARGON2_PARAMS.memoryCost ||
    Number(match[3]) !== ARGON2_PARAMS.timeCost ||
    Number(match[4]) !== ARGON2_PARAMS.parallelism
  );
}

/**
 * Verifying against this when the account does not exist makes a login for an unknown email take
 * as long as one for a known email (no account enumeration by timing).
 */
let dummyHash: Promise<string> | undefined;
export async function burnVerifyTime(password: string): Promise<void> {
  dummyHash ??= hashPassword('switchboard-timing-equaliser');
  await verifyPassword(await dummyHash, password);
}
