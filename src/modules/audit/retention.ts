import { sql, type Transaction } from 'kysely';
import Type from 'typebox';
import { writeCheckpoint } from '../../platform/audit/checkpoint.js';
import type { DB } from '../../platform/db/schema.js';
import { defineJob, type ScheduleDefinition } from '../../platform/jobs/define.js';
import { retentionFloor } from './retention-floor.js';

interface InfoLogger {
  info(object: object, message: string): void;
}

/**
 * Removes entries older than `cutoff` through audit_purge() (owner's rights: the app role cannot
 * delete audit rows). The function never goes past its own floor, `now()` minus the retention the
 * owner set in audit_retention, whatever cutoff it is given, and records the last removed row as
 * the anchor the chain continues from. In the same transaction the anchor is signed (a 'purge'
 * checkpoint), which is how `audit verify` tells this purge from a deletion. Returns how many rows went.
 */
export async function purgeAuditLog(
  trx: Transaction<DB>,
  cutoff: Date,
  logger?: InfoLogger,
): Promise<number> {
  const { rows } = await sql<{ removed: number }>`select audit_purge(${cutoff}) as removed`.execute(trx);
  const removed = Number(rows[0]?.removed ?? 0);
  if (removed > 0) await writeCheckpoint(trx, 'purge', logger);
  return removed;
}

export const auditRetentionJob = defineJob({
  name: 'audit_retention',
  payload: Type.Object({ days: Type.Integer({ minimum: 1 }) }),
  retries: 3,
  backoff: { delaySeconds: 300, exponential: true },
  timeoutSeconds: 600,
  async run({ trx, logger }, { days }) {
    const floor = await retentionFloor(trx);
    if (days < floor)
      logger.warn(
        { days, floor },
        'audit entries are kept for the retention floor, longer than AUDIT_RETENTION_DAYS (lower it with `switchboard audit retention`)',
      );
    const removed = await purgeAuditLog(trx, new Date(Date.now() - days * 86_400_000), logger);
    logger.info({ removed, days }, 'audit retention applied');
  },
});

export const auditRetentionSchedule = (days: number): ScheduleDefinition => ({
  job: auditRetentionJob,
  cron: '30 3 * * *',
  timeZone: 'UTC',
  payload: { days },
});

/** Signs the head every 10 minutes: rows deleted from the end of the log are missed for at most that long. */
export const auditCheckpointJob = defineJob({
  name: 'audit_checkpoint',
  payload: Type.Object({}),
  retries: 2,
  backoff: { delaySeconds: 30, exponential: false },
  timeoutSeconds: 60,
  async run({ trx, logger }) {
    await writeCheckpoint(trx, 'head', logger);
  },
});

export const auditCheckpointSchedule: ScheduleDefinition = {
  job: auditCheckpointJob,
  cron: '*/10 * * * *',
  timeZone: 'UTC',
  payload: {},
};
