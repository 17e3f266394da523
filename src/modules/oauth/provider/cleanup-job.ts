import Type from 'typebox';
import { defineJob, type ScheduleDefinition } from '../../../platform/jobs/define.js';
import { deleteExpiredOauthRows } from './adapter.js';

/** Expired codes, tokens and sessions read as absent already; this removes them for good. */
export const oauthCleanupJob = defineJob({
  name: 'oauth_store_cleanup',
  payload: Type.Object({}),
  retries: 2,
  backoff: { delaySeconds: 300, exponential: false },
  timeoutSeconds: 300,
  async run({ trx, logger }) {
    // The job's transaction is a Kysely transaction over the same pool; the delete commits with its ledger row.
    const removed = await deleteExpiredOauthRows(trx, new Date());
    logger.info({ removed }, 'expired OAuth rows removed');
  },
});

export const oauthCleanupSchedule: ScheduleDefinition = {
  job: oauthCleanupJob,
  cron: '15 4 * * *',
  timeZone: 'UTC',
  payload: {},
};
