import type { Kysely } from 'kysely';
import type { Config } from '../../../config.js';
import type { AuthContext } from '../../../identity/context.js';
import type { DB } from '../../../platform/db/schema.js';
import type { JobQueue } from '../../../platform/jobs/queue.js';
import { sendMailJob } from '../../../platform/mail/jobs.js';
import { AppError } from '../../../shared/errors.js';
import { supportAddresses } from '../addresses.js';
import { CHECK_HEADER, checkTag } from '../inbound/check.js';
import { auditMailSetting, type MailActor, userIdOf } from './audit.js';
import { insertCheck, recentChecks } from './repo.js';

/**
 * The queue runs the `send_mail` definition it was built with (around the process's Mailer); this
 * copy only names that job and its payload for `enqueue`, and never sends anything itself.
 */
const SEND_MAIL = sendMailJob({
  send: () => Promise.reject(new Error('send_mail runs with the queue’s own mailer')),
});

/**
 * Sends a test mail through the app's own mailer to one of the support addresses, signed in the
 * CHECK_HEADER, so the administrator sees whether mail out and mail in both work: the pipeline
 * recognises it when it comes back (inbound/check.ts) and notes when and by which path.
 * Auto-Submitted keeps a copy that comes back too late from being taken as a person's mail.
 */
export async function sendMailCheck(
  ctx: AuthContext,
  deps: { config: Config; jobs: JobQueue },
  actor: MailActor,
  input: string,
): Promise<{ id: string }> {
  const address = input.trim().toLowerCase();
  if (!(await supportAddresses(ctx.trx, deps.config)).has(address)) {
    const detail = 'Choose one of the support addresses.';
    throw new AppError('validation_failed', detail, {
      errors: [{ pointer: '/body/address', detail, said: { key: 'email:check.errors.address' } }],
    });
  }
  const check = await insertCheck(ctx.trx, address, userIdOf(actor));
  const text = [
    'This is a test mail from Switchboard, sent to one of its own support addresses.',
    'When it comes back in, the mail settings page shows how long it took and by which path.',
    'No ticket is opened for it.',
  ].join('\n\n');
  await deps.jobs.enqueue({ trx: ctx.trx }, SEND_MAIL, {
    to: address,
    from: deps.config.MAIL_FROM,
    subject: `Switchboard mail check ${check.id.slice(0, 8)}`,
    text,
    html: text
      .split('\n\n')
      .map((p) => `<p>${p}</p>`)
      .join(''),
    headers: {
      [CHECK_HEADER]: checkTag(check.id, deps.config.SECRET_KEY!),
      'Auto-Submitted': 'auto-generated',
    },
    idempotencyKey: `mail-check-${check.id}`,
  });
  await auditMailSetting(ctx, actor, 'check_sent', { type: 'mail_check', id: check.id }, { address });
  return { id: check.id };
}

/** How long the page keeps refreshing for a check that is not back (it still counts for an hour). */
const WATCH_SECONDS = 300;

export interface MailCheckView {
  id: string;
  address: string;
  sentAt: Date;
  /** Seconds (to a tenth) from sending to being taken in, once it came back. */
  seconds: number | null;
  source: string | null;
  /** Sent in the last WATCH_SECONDS and not back yet: the page refreshes meanwhile. */
  waiting: boolean;
}

export async function listMailChecks(db: Kysely<DB>, limit = 5): Promise<MailCheckView[]> {
  const rows = await recentChecks(db, limit);
  const now = Date.now();
  return rows.map((r) => ({
    id: r.id,
    address: r.address,
    sentAt: r.sent_at,
    seconds: r.received_at
      ? Math.max(0, Math.round((r.received_at.getTime() - r.sent_at.getTime()) / 100) / 10)
      : null,
    source: r.source,
    waiting: !r.received_at && now - r.sent_at.getTime() < WATCH_SECONDS * 1000,
  }));
}
