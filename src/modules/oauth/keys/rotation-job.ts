import Type from 'typebox';
import { defineJob, type ScheduleDefinition } from '../../../platform/jobs/define.js';
import { type KeySettings, rotateIfDue } from './key-store.js';

/** Checks daily; rotates when the signing key is older than KEY_ROTATION_DAYS. */
export const keyRotationJob = (settings: KeySettings) =>
  defineJob({
    name: 'rotate_signing_keys',
    payload: Type.Object({}),
    retries: 3,
    backoff: { delaySeconds: 300, exponential: true },
    timeoutSeconds: 120,
    async run({ trx, logger }) {
      const result = await rotateIfDue(trx, settings, new Date());
      logger.info(
        result.rotated ? { kid: result.kid, activatesAt: result.activatesAt } : { reason: result.reason },
        'signing keys checked',
      );
    },
  });

export const keyRotationSchedule = (settings: KeySettings): ScheduleDefinition => ({
  job: keyRotationJob(settings),
  cron: '0 4 * * *',
  timeZone: 'UTC',
  payload: {},
});
