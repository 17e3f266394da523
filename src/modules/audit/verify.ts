import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import { chainHash, GENESIS } from './chain.js';
import './table.js';

export type ChainReport =
  | { ok: true; rows: number }
  | { ok: false; rows: number; firstBadId: number; reason: string };

const BATCH = 5_000;

/**
 * Walks the whole log in id order, a batch at a time (flat memory on millions of rows), from the
 * purge anchor if rows were purged. A changed row fails its own hash; a deleted or reordered row
 * shows as the next row's prev_hash no longer naming its predecessor.
 */
export async function verifyAuditChain(
  db: Kysely<DB>,
  onProgress: (rows: number) => void = () => {},
): Promise<ChainReport> {
  const anchor = await db
    .selectFrom('audit_anchor')
    .select(['last_purged_id', 'last_purged_hash'])
    .executeTakeFirst();
  let prev = anchor?.last_purged_hash ?? GENESIS;
  let prevId: number | null = anchor?.last_purged_id ?? null;
  let after = anchor?.last_purged_id ?? 0;
  let rows = 0;
  for (;;) {
    const batch = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('id', '>', after)
      .orderBy('id')
      .limit(BATCH)
      .execute();
    for (const row of batch) {
      if (!row.prev_hash.equals(prev)) {
        const before = prevId === null ? 'the start of the log' : `row ${prevId}`;
        return {
          ok: false,
          rows,
          firstBadId: row.id,
          reason: `prev_hash does not match ${before} (a row before it was deleted or changed)`,
        };
      }
      if (!chainHash(prev, row).equals(row.hash))
        return {
          ok: false,
          rows,
          firstBadId: row.id,
          reason: 'its content does not match its hash (the row was edited)',
        };
      prev = row.hash;
      prevId = row.id;
      rows++;
    }
    if (batch.length < BATCH) return { ok: true, rows };
    after = batch[batch.length - 1]!.id;
    onProgress(rows);
  }
}
