import { deriveKey } from '../secrets/derive-key.js';
import { processSecret } from '../secrets/process-secret.js';

export interface AuditKeys {
  /** Keys the row hashes (chain version 2). */
  chain: Buffer;
  /** Signs checkpoints; a key of its own, so a checkpoint signature can never pass as a row hash. */
  checkpoint: Buffer;
}

/**
 * The audit log's HMAC keys, derived from SECRET_KEY, which the database never holds: someone with
 * SQL access can change rows but cannot compute the hashes and signatures that would make the
 * change pass `audit verify`. Derived once per secret (a process holds one).
 */
let cached: { secret: string; keys: AuditKeys } | undefined;

export function auditKeys(): AuditKeys {
  const secret = processSecret();
  if (cached?.secret !== secret)
    cached = {
      secret,
      keys: {
        chain: deriveKey(secret, 'audit-chain:v2'),
        checkpoint: deriveKey(secret, 'audit-checkpoint:v1'),
      },
    };
  return cached.keys;
}
