import { createHmac, timingSafeEqual } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import { CHAIN_LOCK, GENESIS, stableJson } from './chain.js';
import { auditKeys } from './key.js';
import type { CheckpointKind } from './table.js';
import './table.js';

export interface Checkpoint {
  kind: CheckpointKind;
  /** The audit_log id it marks (0: the empty log). */
  seq: number;
  hash: Buffer;
  made_at: Date;
}

const message = (c: Checkpoint) =>
  stableJson(['audit-checkpoint', c.kind, c.seq, c.hash.toString('hex'), c.made_at.toISOString()]);

export const signCheckpoint = (key: Buffer, c: Checkpoint): Buffer =>
  createHmac('sha256', key).update(message(c), 'utf8').digest();

export const validCheckpoint = (key: Buffer, c: Checkpoint & { signature: Buffer }): boolean => {
  const expected = signCheckpoint(key, c);
  return c.signature.length === expected.length && timingSafeEqual(c.signature, expected);
};

/** What the log line carries: enough to check the database against it later, and no secret. */
export const checkpointLine = (c: Checkpoint & { signature: Buffer }) => ({
  kind: c.kind,
  seq: c.seq,
  hash: c.hash.toString('hex'),
  madeAt: c.made_at.toISOString(),
  signature: c.signature.toString('base64url'),
});

interface InfoLogger {
  info(object: object, message: string): void;
}

/**
 * Signs the chain's head ('head': the newest row) or the last purged row ('purge': the anchor) and
 * keeps the signature in audit_checkpoints and in the log. Taken under the chain lock, so the head
 * is the last committed append. `audit verify` then fails when a signed row is missing or changed,
 * which is how a truncation of the newest rows shows: without the key nobody can sign a new head.
 */
export async function writeCheckpoint(
  trx: Transaction<DB>,
  kind: CheckpointKind,
  logger?: InfoLogger,
): Promise<Checkpoint & { signature: Buffer }> {
  await sql`select pg_advisory_xact_lock(${CHAIN_LOCK})`.execute(trx);
  const anchor = await trx
    .selectFrom('audit_anchor')
    .select(['last_purged_id as id', 'last_purged_hash as hash'])
    .executeTakeFirst();
  const head =
    kind === 'purge'
      ? anchor
      : ((await trx
          .selectFrom('audit_log')
          .select(['id', 'hash'])
          .orderBy('id', 'desc')
          .limit(1)
          .executeTakeFirst()) ?? anchor);
  const point: Checkpoint = {
    kind,
    seq: head?.id ?? 0,
    hash: head?.hash ?? GENESIS,
    made_at: new Date(),
  };
  const signed = { ...point, signature: signCheckpoint(auditKeys().checkpoint, point) };
  await trx.insertInto('audit_checkpoints').values(signed).execute();
  logger?.info({ auditCheckpoint: checkpointLine(signed) }, 'audit checkpoint');
  return signed;
}
