import { createHash, createHmac } from 'node:crypto';

/** The first row's predecessor. */
export const GENESIS = Buffer.alloc(32);
/** Serialises appends (and purges) so the chain never forks; any fixed number works. */
export const CHAIN_LOCK = 7355608;

/**
 * How a row's hash was made. 1: SHA-256 (rows written before the chain was keyed; anyone could
 * recompute it). 2: HMAC-SHA-256 (RFC 2104) under a key derived from SECRET_KEY.
 */
export type ChainVersion = 1 | 2;
export const LEGACY: ChainVersion = 1;
export const KEYED: ChainVersion = 2;

/** The fields a row's hash covers: all but its id (assigned on insert) and the hashes themselves. */
export interface ChainedFields {
  occurred_at: Date;
  actor_type: string;
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  outcome: string;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
}

/** JSON with object keys sorted at every level, so equal values always give equal text. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * `canonical(row)`: a JSON array of the covered fields in a fixed order, the time in ISO 8601 with
 * milliseconds (what is stored: rows are stamped in JavaScript).
 */
export function canonical(row: ChainedFields): string {
  return stableJson([
    row.occurred_at.toISOString(),
    row.actor_type,
    row.actor_id,
    row.action,
    row.target_type,
    row.target_id,
    row.outcome,
    row.ip,
    row.user_agent,
    row.request_id,
    row.details,
  ]);
}

/** Version 1: `SHA-256(prev_hash || canonical)`. Only ever verified, never written any more. */
export const legacyHash = (prev: Buffer, row: ChainedFields): Buffer =>
  createHash('sha256').update(prev).update(canonical(row), 'utf8').digest();

/** Version 2: `HMAC-SHA-256(key, prev_hash || canonical)`. */
export const keyedHash = (key: Buffer, prev: Buffer, row: ChainedFields): Buffer =>
  createHmac('sha256', key).update(prev).update(canonical(row), 'utf8').digest();

export const chainHash = (version: ChainVersion, key: Buffer, prev: Buffer, row: ChainedFields): Buffer =>
  version === KEYED ? keyedHash(key, prev, row) : legacyHash(prev, row);
