import Type from 'typebox';
import { defineJob } from '../jobs/define.js';
import type { Mailer } from './port.js';

const MailPayload = Type.Object({
  to: Type.String(),
  from: Type.String(),
  subject: Type.String(),
  text: Type.String(),
  html: Type.String(),
  replyTo: Type.Optional(Type.String()),
  headers: Type.Optional(Type.Record(Type.String(), Type.String())),
  idempotencyKey: Type.String(),
});

/**
 * Mail always leaves through this job, enqueued in the transaction of the change that caused it:
 * a rolled-back change sends nothing, a committed one always sends. Retries back off from 30 s.
 *
 * Job definitions are plain values, but delivery needs the process's configured Mailer, so the
 * definition is built around it: `createPlatform` calls this once and registers the result in its
 * JobQueue. `serve` (WORKER_MODE=inline or not) and `worker` both build their queue that way, so
 * whichever process takes the job holds a Mailer made from its own settings; no global is needed.
 */
export const sendMailJob = (mailer: Mailer) =>
  defineJob({
    name: 'send_mail',
    payload: MailPayload,
    retries: 5,
    backoff: { delaySeconds: 30, exponential: true },
    timeoutSeconds: 60,
    async run({ trx, logger }, mail) {
      const { providerId } = await mailer.send(mail, trx);
      // The provider's id links this run to the provider's own logs; addresses stay out of ours.
      logger.info({ providerId }, 'mail sent');
    },
  });
