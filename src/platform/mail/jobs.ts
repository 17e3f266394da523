import Type from 'typebox';
import { defineJob } from '../jobs/define.js';
import type { Mailer } from './port.js';

const MailPayload = Type.Object({
  to: Type.String(),
  from: Type.String(),
  subject: Type.String(),
  text: Type.String(),
  html: Type.String(),
  idempotencyKey: Type.String(),
});

/**
 * Mail always leaves through this job, enqueued in the transaction of the change that caused it:
 * a rolled-back change sends nothing, a committed one always sends. Retries back off from 30 s.
 * The job is built per process around that process's Mailer (job definitions are registered at
 * platform start, in `serve` and `worker` alike).
 */
export const sendMailJob = (mailer: Mailer) =>
  defineJob({
    name: 'send_mail',
    payload: MailPayload,
    retries: 5,
    backoff: { delaySeconds: 30, exponential: true },
    timeoutSeconds: 60,
    run: ({ trx }, mail) => mailer.send(mail, trx),
  });
