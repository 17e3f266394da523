import type { Kysely, Transaction } from 'kysely';
import Type from 'typebox';
import type { DB } from '../../../platform/db/schema.js';
import { defineJob, type ScheduleDefinition } from '../../../platform/jobs/define.js';
import type { FileStorage } from '../../../platform/storage/port.js';
import { deleteUnclaimed, knownKeys, staleUploads } from './repo.js';

/** Uploads nobody attached within this long are removed (the client gave up, or the form failed). */
export const UNCLAIMED_TTL_HOURS = 24;
const BATCH = 500;

/**
 * Deletes unclaimed uploads older than `hours`: rows first (in `trx`), then their files. Also
 * removes files older than that which have no row at all (written, then rolled back). Returns
 * how many uploads and stray files went.
 */
export async function removeStaleUploads(
  trx: Transaction<DB>,
  storage: FileStorage,
  hours = UNCLAIMED_TTL_HOURS,
  now = new Date(),
): Promise<{ uploads: number; strays: number }> {
  const before = new Date(now.getTime() - hours * 3_600_000);
  const stale = await staleUploads(trx, before, 10 * BATCH);
  const keys = await deleteUnclaimed(
    trx,
    stale.map((s) => s.id),
  );
  for (const key of keys) await storage.delete(key);
  return { uploads: keys.length, strays: await removeStrays(trx, storage, before) };
}

async function removeStrays(db: Kysely<DB> | Transaction<DB>, storage: FileStorage, before: Date) {
  let removed = 0;
  let batch: string[] = [];
  const sweep = async () => {
    const known = await knownKeys(db, batch);
    for (const key of batch) if (!known.has(key)) await storage.delete(key);
    removed += batch.filter((k) => !known.has(k)).length;
    batch = [];
  };
  for await (const file of storage.list()) {
    if (file.modifiedAt >= before) continue;
    batch.push(file.key);
    if (batch.length >= BATCH) await sweep();
  }
  await sweep();
  return removed;
}

export const attachmentCleanupJob = defineJob({
  name: 'attachment_cleanup',
  payload: Type.Object({ hours: Type.Integer({ minimum: 1 }) }),
  retries: 3,
  backoff: { delaySeconds: 300, exponential: true },
  timeoutSeconds: 900,
  async run({ trx, logger, ports }, { hours }) {
    const removed = await removeStaleUploads(trx, ports.storage, hours);
    logger.info(removed, 'stale uploads removed');
  },
});

export const attachmentCleanupSchedule: ScheduleDefinition = {
  job: attachmentCleanupJob,
  cron: '15 4 * * *',
  timeZone: 'UTC',
  payload: { hours: UNCLAIMED_TTL_HOURS },
};
