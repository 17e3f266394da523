import Type from 'typebox';
import { defineJob } from '../jobs/define.js';
import { E164, type SmsSender } from './port.js';

const SmsPayload = Type.Object({
  to: Type.String({ pattern: E164.source }),
  // Twilio refuses bodies over 1,600 characters (error 21617).
  body: Type.String({ minLength: 1, maxLength: 1600 }),
  idempotencyKey: Type.String(),
});

/**
 * Same delivery rules and wiring as `send_mail` (see mail/jobs.ts): enqueued in the caller's
 * transaction, retried with backoff from 30 s, then dead-lettered; built around the process's
 * own sender by `createPlatform`, in `serve` and `worker` alike.
 */
export const sendSmsJob = (sender: SmsSender) =>
  defineJob({
    name: 'send_sms',
    payload: SmsPayload,
    retries: 5,
    backoff: { delaySeconds: 30, exponential: true },
    timeoutSeconds: 60,
    async run({ trx, logger }, sms) {
      const { providerId } = await sender.send(sms, trx);
      logger.info({ providerId }, 'text sent');
    },
  });
