import { sql } from 'kysely';
import Type from 'typebox';
import type { Config } from '../../../config.js';
import { defineJob, type JobDefinition } from '../../../platform/jobs/define.js';
import { processInbound } from './process.js';

const Payload = Type.Object({
  id: Type.String({ format: 'uuid' }),
  /** An agent released it from quarantine: append or open despite the failed checks. */
  release: Type.Optional(Type.Boolean()),
});

const RETRIES = 5;

/**
 * Turns one stored mail into a ticket or a reply (process.ts), in the run's transaction: the
 * message, its notifications and the mail's outcome commit together, and a failed run is retried
 * from the stored bytes. A mail whose content the database refuses (a data exception, SQLSTATE
 * class 22: a NUL byte in its text, say) fails the same way on every try, and so does one that
 * fails its last try: either is quarantined as unreadable, in a clean state (everything the run
 * wrote before the failure is rolled back to a savepoint), for an agent to look at, instead of
 * staying pending behind a dead job.
 */
export const inboundMailJobFor = (config: Config): JobDefinition<typeof Payload> =>
  defineJob({
    name: 'email_inbound',
    payload: Payload,
    retries: RETRIES,
    backoff: { delaySeconds: 10, exponential: true },
    timeoutSeconds: 120,
    // Mail comes in bursts (a newsletter answered, an outage reported by everyone at once).
    batchSize: 16,
    async run({ trx, logger, ports, retryCount }, { id, release }) {
      await sql`savepoint inbound_mail`.execute(trx);
      try {
        const decision = await processInbound(
          { trx, config, jobs: ports.queue, storage: ports.storage },
          id,
          release ?? false,
        );
        // The outcome only: addresses and text stay out of the logs.
        if (decision)
          logger.info({ mail: id, outcome: decision.outcome, reason: decision.reason }, 'mail processed');
      } catch (error) {
        if (!isDataException(error) && retryCount < RETRIES) throw error;
        await sql`rollback to savepoint inbound_mail`.execute(trx);
        await trx
          .updateTable('mail_inbound')
          .set({
            state: 'quarantined',
            outcome: 'quarantined',
            reason: 'unreadable',
            processed_at: new Date(),
          })
          .where('id', '=', id)
          .where('state', '=', 'pending')
          .execute();
        logger.warn({ mail: id, err: error }, 'mail could not be processed; quarantined as unreadable');
      }
    },
  });

/** PostgreSQL refused a value itself (SQLSTATE class 22): trying again cannot help. */
const isDataException = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code);
};
