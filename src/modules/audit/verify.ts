import type { Kysely } from 'kysely';
import { chainHash, GENESIS, KEYED, LEGACY } from '../../platform/audit/chain.js';
import { validCheckpoint } from '../../platform/audit/checkpoint.js';
import { auditKeys } from '../../platform/audit/key.js';
import type { DB } from '../../platform/db/schema.js';
import '../../platform/audit/table.js';

export type ChainReport =
  | { ok: true; rows: number }
  | { ok: false; rows: number; firstBadId: number; reason: string };

const BATCH = 5_000;

/**
 * Walks the whole log in id order, a batch at a time (flat memory on millions of rows), from the
 * purge anchor if rows were purged. A changed row fails its own hash (keyed: nobody without the key
 * can re-hash); a deleted or reordered row shows as the next row's prev_hash no longer naming its
 * predecessor; deleted newest rows show as a signed checkpoint's row missing. Checkpoints must carry
 * a valid signature, and the anchor must be one a signed purge left, or rows went some other way.
 * Unkeyed (version 1) rows are accepted only before every signed head and before any keyed row: the
 * first keyed append signs the last unkeyed row, so that part can no longer be re-hashed.
 */
export async function verifyAuditChain(
  db: Kysely<DB>,
  onProgress: (rows: number) => void = () => {},
): Promise<ChainReport> {
  const keys = auditKeys();
  const anchor = await db
    .selectFrom('audit_anchor')
    .select(['last_purged_id', 'last_purged_hash'])
    .executeTakeFirst();
  const checkpoints = await db
    .selectFrom('audit_checkpoints')
    .select(['id', 'kind', 'seq', 'hash', 'made_at', 'signature'])
    .orderBy('id')
    .execute();
  let rows = 0;
  const fail = (firstBadId: number, reason: string): ChainReport => ({ ok: false, rows, firstBadId, reason });

  const forged = checkpoints.find((c) => !validCheckpoint(keys.checkpoint, c));
  if (forged) return fail(forged.seq, `checkpoint ${forged.id} is not signed with this deployment's key`);
  const purgedTo = anchor?.last_purged_id ?? 0;
  if (
    anchor &&
    !checkpoints.some(
      (c) => c.kind === 'purge' && c.seq === purgedTo && c.hash.equals(anchor.last_purged_hash),
    )
  )
    return fail(purgedTo, 'rows up to it were removed without a signed purge (not by the retention job)');
  // Every signed row the anchor has not legitimately purged must still be there, unchanged.
  const signed = new Map(checkpoints.filter((c) => c.seq > purgedTo).map((c) => [c.seq, c]));
  const heads = checkpoints.filter((c) => c.kind === 'head').map((c) => c.seq);
  const lastUnkeyed = heads.length > 0 ? Math.min(...heads) : Number.POSITIVE_INFINITY;

  let prev = anchor?.last_purged_hash ?? GENESIS;
  let prevId: number | null = anchor ? purgedTo : null;
  let keyedSeen = false;
  for (let after = purgedTo; ; ) {
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
        return fail(row.id, `prev_hash does not match ${before} (a row before it was deleted or changed)`);
      }
      if (row.chain_version === LEGACY && (keyedSeen || row.id > lastUnkeyed))
        return fail(
          row.id,
          'an unkeyed row after the chain was keyed (the rows were re-hashed without the key)',
        );
      if (!chainHash(row.chain_version, keys.chain, prev, row).equals(row.hash))
        return fail(row.id, 'its content does not match its hash (the row was edited)');
      const mark = signed.get(row.id);
      if (mark && !mark.hash.equals(row.hash))
        return fail(row.id, `its hash is not the one checkpoint ${mark.id} signed (the chain was rewritten)`);
      signed.delete(row.id);
      keyedSeen ||= row.chain_version === KEYED;
      prev = row.hash;
      prevId = row.id;
      rows++;
    }
    if (batch.length < BATCH) break;
    after = batch[batch.length - 1]!.id;
    onProgress(rows);
  }
  const missing = [...signed.values()].sort((a, b) => a.seq - b.seq)[0];
  if (missing)
    return fail(
      missing.seq,
      `it is missing, yet checkpoint ${missing.id} of ${missing.made_at.toISOString()} signed it (the newest rows were deleted)`,
    );
  return { ok: true, rows };
}
