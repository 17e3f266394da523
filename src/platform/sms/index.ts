import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Config } from '../../config.js';
import type { DB } from '../db/schema.js';
import type { JobDefinition } from '../jobs/define.js';
import type { JobQueue } from '../jobs/queue.js';
import { sendSmsJob } from './jobs.js';
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

/** loadConfig has already refused SMS_TRANSPORT=twilio without its three settings. */
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

export function createSms(options: { config: Config; jobs: () => JobQueue }): {
  sender: SmsSender;
  job: JobDefinition;
  queue: SmsQueue;
} {
  const sender = createSmsSender(options.config);
  const job = sendSmsJob(sender);
  return {
    sender,
    job,
    queue: {
      async queue(trx, to, body) {
        if (!E164.test(to)) throw new Error(`${to} is not an E.164 phone number`);
        await options.jobs().enqueue({ trx }, job, { to, body, idempotencyKey: randomUUID() });
      },
    },
  };
}
