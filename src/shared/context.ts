import type { Transaction } from 'kysely';
import type { DB } from '../platform/db/schema.js';

/** Who is acting: the audit log records this for every mutating call. */
export type Actor =
  | { type: 'user'; id: string; roles: readonly string[] }
  | { type: 'client'; id: string; scopes: readonly string[] }
  | { type: 'system'; name: string }
  | { type: 'anonymous' };

/**
 * Passed to every mutating service call. The transaction is opened at the edge (route, job, CLI)
 * and passed down, so the data change, its audit row and any job it enqueues commit together.
 */
export interface Context {
  actor: Actor;
  trx: Transaction<DB>;
  ip: string;
  requestId: string;
}

export const systemActor = (name: string): Actor => ({ type: 'system', name });
