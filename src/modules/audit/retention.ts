import { sql, type Transaction } from 'kysely';
import Type from 'typebox';
import type { DB } from '../../platform/db/schema.js';
import { defineJob, type ScheduleDefinition } from '../../platform/jobs/define.js';

/**
 * Removes entries older than `cutoff` through audit_purge() (owner's rights: the app role cannot
 * delete audit rows), which first records the last removed row as the anchor the chain continues
 * from. Returns how many rows went.
 */
export async function purgeAuditLog(trx: Transaction<DB>, cutoff: Date): Promise<number> {
  const { rows } = await sql<{ removed: number }>`select audit_purge(${cutoff}) as removed`.execute(trx);
  return Number(rows[0]?.removed ?? 0);
}

export const auditRetentionJob = defineJob({
  name: 'audit_retention',
  payload: Type.Object({ days: Type.Integer({ minimum: 1 }) }),
  retries: 3,
  backoff: { delaySeconds: 300, exponential: true },
  timeoutSeconds: 600,
  async run({ trx, logger }, { days }) {
    const removed = await purgeAuditLog(trx, new Date(Date.now() - days * 86_400_000));
    logger.info({ removed, days }, 'audit retention applied');
  },
});

export const auditRetentionSchedule = (days: number): ScheduleDefinition => ({
  job: auditRetentionJob,
  cron: '30 3 * * *',
  timeZone: 'UTC',
  payload: { days },
});
