import { sql } from 'kysely';
import Type from 'typebox';
import type { Config } from '../../../config.js';
import { defineJob, type JobDefinition } from '../../../platform/jobs/define.js';
import { createSmsNumbers } from '../../../platform/sms/index.js';
import { sendQueuedText } from './send.js';

const Payload = Type.Object({ id: Type.String({ format: 'uuid' }) });

let cached: { config: Config; job: JobDefinition<typeof Payload> } | undefined;

/**
 * Sends one queued text (send.ts). A run that fails before Twilio answered is retried (30 s,
 * doubling); a retry first asks Twilio whether the failed try got through, so a crash between
 * Twilio accepting the text and the run committing never sends it twice.
 */
export function smsSendJob(config: Config): JobDefinition<typeof Payload> {
  if (cached?.config === config) return cached.job;
  const provider = createSmsNumbers(config);
  const job = defineJob({
    name: 'sms_send',
    payload: Payload,
    retries: 5,
    backoff: { delaySeconds: 30, exponential: true },
    // Twilio's own timeout is 30 s; a run killed mid-way is retried after this.
    timeoutSeconds: 45,
    async run({ trx, logger, retryCount }, { id }) {
      await sql`set local lock_timeout = '30s'`.execute(trx);
      const outcome = await sendQueuedText({ trx, config, provider, mayHaveSent: retryCount > 0 }, id);
      // The outcome and Twilio's code only: the phone and the text stay out of the logs.
      logger.info({ text: id, ...outcome }, 'text out');
    },
  });
  cached = { config, job };
  return job;
}
