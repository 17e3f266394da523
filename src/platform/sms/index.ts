import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Config } from '../../config.js';
import type { DB } from '../db/schema.js';
import type { JobDefinition } from '../jobs/define.js';
import type { JobQueue } from '../jobs/queue.js';
import { sendSmsJob } from './jobs.js';
import type { SmsNumberProvider } from './numbers.js';
import { OutboxSmsSender } from './outbox.js';
import { E164, type SmsSender } from './port.js';
import { TwilioSmsSender } from './twilio.js';
import { TwilioApi } from './twilio-api.js';
import { TwilioNumbers } from './twilio-numbers.js';

/** What features use to send a text: queued in their transaction, delivered by the send_sms job. */
export interface SmsQueue {
  queue(trx: Transaction<DB>, to: string, body: string): Promise<void>;
}

type SmsConfig = Pick<
  Config,
  'SMS_TRANSPORT' | 'TWILIO_ACCOUNT_SID' | 'TWILIO_AUTH_TOKEN' | 'TWILIO_FROM' | 'TWILIO_API_URL'
>;

/** Twilio's REST API with the configured account; none while texts stay in the dev outbox. */
export function twilioApi(config: SmsConfig): TwilioApi | null {
  if (config.SMS_TRANSPORT !== 'twilio') return null;
  return new TwilioApi({
    accountSid: config.TWILIO_ACCOUNT_SID!,
    authToken: config.TWILIO_AUTH_TOKEN!,
    baseUrl: config.TWILIO_API_URL,
  });
}

/** loadConfig has already refused SMS_TRANSPORT=twilio without its three settings. */
export function createSmsSender(config: SmsConfig): SmsSender {
  const api = twilioApi(config);
  return api ? new TwilioSmsSender(api, config.TWILIO_FROM!) : new OutboxSmsSender();
}

/** The provider's numbers, media and webhook signatures; none without a provider configured. */
export function createSmsNumbers(config: SmsConfig): SmsNumberProvider | null {
  const api = twilioApi(config);
  return api ? new TwilioNumbers(api) : null;
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
