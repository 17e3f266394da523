import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import Type from 'typebox';
import type { Config } from '../../config.js';
import type { DB } from '../db/schema.js';
import { defineJob, type JobDefinition } from '../jobs/define.js';
import type { JobQueue } from '../jobs/queue.js';
import { OutboxSmsSender } from './outbox.js';
import { E164, type SmsSender } from './port.js';
import { TwilioSmsSender } from './twilio.js';

/** What features use to send a text: queued in their transaction, delivered by the send_sms job. */
export interface SmsQueue {
  queue(trx: Transaction<DB>, to: string, body: string): Promise<void>;
}

type SmsConfig = Pick<
  Config,
  'SMS_TRANSPORT' | 'TWILIO_ACCOUNT_SID' | 'TWILIO_AUTH_TOKEN' | 'TWILIO_FROM' | 'TWILIO_API_URL'
>;

export function createSmsSender(config: SmsConfig): SmsSender {
  return config.SMS_TRANSPORT === 'twilio'
    ? new TwilioSmsSender(
        config.TWILIO_ACCOUNT_SID!,
        config.TWILIO_AUTH_TOKEN!,
        config.TWILIO_FROM!,
        config.TWILIO_API_URL,
      )
    : new OutboxSmsSender();
}

const SmsPayload = Type.Object({
  to: Type.String({ pattern: E164.source }),
  body: Type.String({ maxLength: 1600 }),
  idempotencyKey: Type.String(),
});

export function createSms(options: { config: Config; jobs: () => JobQueue }): {
  job: JobDefinition;
  queue: SmsQueue;
} {
  const sender = createSmsSender(options.config);
  // Same delivery rules as mail: in the caller's transaction, retried with backoff, then dead-lettered.
  const job = defineJob({
    name: 'send_sms',
    payload: SmsPayload,
    retries: 5,
    backoff: { delaySeconds: 30, exponential: true },
    timeoutSeconds: 60,
    run: ({ trx }, sms) => sender.send(sms, trx),
  });
  return {
    job,
    queue: {
      async queue(trx, to, body) {
        if (!E164.test(to)) throw new Error(`${to} is not an E.164 phone number`);
        await options.jobs().enqueue({ trx }, job, { to, body, idempotencyKey: randomUUID() });
      },
    },
  };
}
