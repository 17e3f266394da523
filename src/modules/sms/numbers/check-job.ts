import Type from 'typebox';
import type { Config } from '../../../config.js';
import { defineJob, type JobDefinition, type ScheduleDefinition } from '../../../platform/jobs/define.js';
import { createSmsNumbers } from '../../../platform/sms/index.js';
import { checkWebhooks } from './service.js';

const Payload = Type.Object({});
let cached: { config: Config; job: JobDefinition<typeof Payload> } | undefined;

/**
 * Every night, the webhook check the numbers page runs on demand: a number pointed at another app
 * at Twilio's console, or a PUBLIC_URL that changed, would otherwise lose texts until someone
 * looked. Without Twilio there is nothing to check.
 */
export function smsNumbersCheckJob(config: Config): JobDefinition<typeof Payload> {
  if (cached?.config === config) return cached.job;
  const provider = createSmsNumbers(config);
  const job = defineJob({
    name: 'sms_numbers_check',
    payload: Payload,
    retries: 2,
    backoff: { delaySeconds: 300, exponential: false },
    timeoutSeconds: 120,
    async run({ trx, logger }) {
      if (!provider) return;
      const results = await checkWebhooks(trx, provider, config, true);
      const fixed = results.filter((r) => r.fixed).map((r) => r.e164);
      const missing = results.filter((r) => r.missing).map((r) => r.e164);
      if (fixed.length > 0 || missing.length > 0)
        logger.warn({ fixed, missing }, 'number webhooks pointed elsewhere');
    },
  });
  cached = { config, job };
  return job;
}

export const smsNumbersCheckSchedule = (config: Config): ScheduleDefinition => ({
  job: smsNumbersCheckJob(config),
  cron: '17 3 * * *',
  timeZone: 'UTC',
  payload: {},
});
