import Type from 'typebox';
import type { Config } from '../../../config.js';
import { defineJob, type JobDefinition } from '../../../platform/jobs/define.js';
import { createSmsNumbers } from '../../../platform/sms/index.js';
import { routeText } from './route.js';

const Payload = Type.Object({ id: Type.String({ format: 'uuid' }) });

let cached: { config: Config; job: JobDefinition<typeof Payload> } | undefined;

/**
 * Routes one stored text into a ticket (route.ts) in the run's transaction: the ticket message,
 * its files and the text's outcome commit together, and a failed run is retried from the row.
 * One definition per configuration, so the webhook and the worker enqueue and run the same job.
 */
export function smsInboundJob(config: Config): JobDefinition<typeof Payload> {
  if (cached?.config === config) return cached.job;
  const provider = createSmsNumbers(config);
  const job = defineJob({
    name: 'sms_inbound',
    payload: Payload,
    retries: 5,
    backoff: { delaySeconds: 10, exponential: true },
    timeoutSeconds: 120,
    // Texts come in bursts (a line's customers answering one announcement).
    batchSize: 16,
    async run({ trx, logger, ports }, { id }) {
      const routed = await routeText(
        { trx, config, jobs: ports.queue, storage: ports.storage, provider },
        id,
      );
      // The outcome only: phones and text stay out of the logs.
      if (routed) logger.info({ text: id, outcome: routed.outcome }, 'text routed');
    },
  });
  cached = { config, job };
  return job;
}
