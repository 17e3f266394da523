import Type from 'typebox';
import type { Config } from '../../../config.js';
import { defineJob, type JobDefinition } from '../../../platform/jobs/define.js';
import { processInbound } from './process.js';

const Payload = Type.Object({
  id: Type.String({ format: 'uuid' }),
  /** An agent released it from quarantine: append or open despite the failed checks. */
  release: Type.Optional(Type.Boolean()),
});

/**
 * Turns one stored mail into a ticket or a reply (process.ts), in the run's transaction: the
 * message, its notifications and the mail's outcome commit together, and a failed run is retried
 * from the stored bytes.
 */
export const inboundMailJobFor = (config: Config): JobDefinition<typeof Payload> =>
  defineJob({
    name: 'email_inbound',
    payload: Payload,
    retries: 5,
    backoff: { delaySeconds: 10, exponential: true },
    timeoutSeconds: 120,
    async run({ trx, logger, ports }, { id, release }) {
      const decision = await processInbound({ trx, config, jobs: ports.queue }, id, release ?? false);
      // The outcome only: addresses and text stay out of the logs.
      if (decision)
        logger.info({ mail: id, outcome: decision.outcome, reason: decision.reason }, 'mail processed');
    },
  });
