import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Config } from '../../config.js';
import type { DB } from '../db/schema.js';
import type { JobDefinition } from '../jobs/define.js';
import type { JobQueue } from '../jobs/queue.js';
import { HeaderSafeMailer } from './header-safety.js';
import { sendMailJob } from './jobs.js';
import { OutboxMailer } from './outbox.js';
import type { Mailer } from './port.js';
import { ResendMailer } from './resend.js';
import { SmtpMailer } from './smtp.js';
import { type MailData, type MailReader, type MailTemplate, renderMail } from './templates.js';

/** A mail's recipient: an address, or a person whose language and time zone the mail follows. */
export type MailRecipient = string | { email: string; locale?: string | null; time_zone?: string | null };

/** What features use to send mail: render a template and queue it in their transaction. */
export interface MailQueue {
  queue<T extends MailTemplate>(
    trx: Transaction<DB>,
    to: MailRecipient,
    template: T,
    data: MailData[T],
  ): Promise<void>;
}

/**
 * The configured transport behind the header rules (header-safety.ts). loadConfig has already
 * refused a transport without its settings, naming the missing one.
 */
export function createMailer(
  config: Pick<Config, 'MAIL_TRANSPORT' | 'SMTP_URL' | 'RESEND_API_KEY' | 'RESEND_API_URL'>,
): Mailer {
  if (config.MAIL_TRANSPORT === 'smtp') return new HeaderSafeMailer(new SmtpMailer(config.SMTP_URL!));
  if (config.MAIL_TRANSPORT === 'resend')
    return new HeaderSafeMailer(new ResendMailer(config.RESEND_API_KEY!, config.RESEND_API_URL));
  return new HeaderSafeMailer(new OutboxMailer());
}

export function createMail(options: { config: Config; jobs: () => JobQueue }): {
  mailer: Mailer;
  job: JobDefinition;
  queue: MailQueue;
} {
  const mailer = createMailer(options.config);
  const from = options.config.MAIL_FROM;
  const job = sendMailJob(mailer);
  return {
    mailer,
    job,
    queue: {
      async queue(trx, to, template, data) {
        const reader: MailReader =
          typeof to === 'string' ? {} : { locale: to.locale ?? null, timeZone: to.time_zone ?? null };
        const rendered = renderMail(template, data, reader);
        const address = typeof to === 'string' ? to : to.email;
        await options
          .jobs()
          .enqueue({ trx }, job, { to: address, from, ...rendered, idempotencyKey: randomUUID() });
      },
    },
  };
}
