import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { JobDefinition } from '../jobs/define.js';
import type { JobQueue } from '../jobs/queue.js';
import { sendMailJob } from './jobs.js';
import { OutboxMailer } from './outbox.js';
import type { Mailer } from './port.js';
import { type MailTemplate, renderMail } from './templates.js';

/** What features use to send mail: render a template and queue it in their transaction. */
export interface MailQueue {
  queue(
    trx: Transaction<DB>,
    to: string,
    template: MailTemplate,
    data: Record<string, unknown>,
  ): Promise<void>;
}

export function createMail(options: { from: string; jobs: () => JobQueue }): {
  mailer: Mailer;
  job: JobDefinition;
  queue: MailQueue;
} {
  const mailer = new OutboxMailer();
  const job = sendMailJob(mailer);
  return {
    mailer,
    job,
    queue: {
      async queue(trx, to, template, data) {
        const rendered = renderMail(template, data);
        await options
          .jobs()
          .enqueue({ trx }, job, { to, from: options.from, ...rendered, idempotencyKey: randomUUID() });
      },
    },
  };
}
