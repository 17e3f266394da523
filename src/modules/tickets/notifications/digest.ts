import type { TFunction } from 'i18next';
import type { Transaction } from 'kysely';
import Type from 'typebox';
import type { Config } from '../../../config.js';
import type { DB } from '../../../platform/db/schema.js';
import { translator } from '../../../platform/i18n/catalog.js';
import { pickLocale } from '../../../platform/i18n/locales.js';
import { defineJob, type JobDefinition, type JobEnqueuer } from '../../../platform/jobs/define.js';
import type { Mailer } from '../../../platform/mail/port.js';
import { renderMail, type TicketNotice } from '../../../platform/mail/templates.js';
import { renderMarkdown } from '../markdown.js';
import { replyChannelFor } from '../reply-channels.js';
import { ticketKey } from '../schemas.js';
import { mailThreadFor } from './mail-thread.js';
import type { NotificationJobs } from './notify.js';
import { KINDS, preferencesFrom } from './preferences.js';
import { scheduleReplyMail } from './reply-mail.js';
import { type ClaimedNotification, claimPending, digestContext } from './repo.js';

const Payload = Type.Object({ recipientId: Type.String({ minLength: 36, maxLength: 36 }) });
/** Handled notifications are kept a while (what was mailed when), then forgotten. */
const KEEP_DAYS = 30;

type DigestContext = Awaited<ReturnType<typeof digestContext>>;

/**
 * Each claimed row as the mail tells it, in the recipient's language (`tickets:notifications.*`),
 * with the ticket's current key and subject and the reply rendered from Markdown for the HTML part.
 */
function describe(
  config: Config,
  recipientId: string,
  claimed: ClaimedNotification[],
  context: DigestContext,
  t: TFunction,
): { notice: TicketNotice; ticket: { id: string; number: string } }[] {
  const ticket = new Map(context.tickets.map((t) => [t.id, t]));
  const name = new Map(context.actors.map((a) => [a.id, a.display_name]));
  const label = (status: string | undefined) =>
    context.statuses.find((s) => s.name === status)?.label ?? status ?? t('tickets:notifications.unknown');
  return claimed.flatMap(({ ticket_id, actor_id, kind, data, created_at }) => {
    const found = ticket.get(ticket_id);
    if (!found) return [];
    const key = ticketKey(found.number);
    const forTeam = KINDS[kind].audience === 'team';
    const nobody = kind === 'ticket_assigned' ? 'integration' : forTeam ? 'customer' : 'team';
    const who = (actor_id && name.get(actor_id)) || t(`tickets:notifications.nobody.${nobody}`);
    const own = actor_id === recipientId || !actor_id;
    const words = { who, from: label(data.from), to: label(data.to), recipient: data.recipient ?? '' };
    const variant =
      kind === 'ticket_created'
        ? own
          ? 'own'
          : 'forYou'
        : kind === 'customer_reply' && data.reopened
          ? 'reopened'
          : 'plain';
    const notice = {
      key,
      subject: found.subject,
      label: t(`tickets:notifications.${kind}.label`, words),
      headline: t(`tickets:notifications.${kind}.${variant}`, words),
      body: data.body ?? null,
      bodyHtml: data.body ? renderMarkdown(data.body) : null,
      at: created_at,
      url: `${config.PUBLIC_URL}/${forTeam ? 'inbox' : 'tickets'}/${key}`,
    };
    return [{ notice, ticket: found }];
  });
}

async function sendDigest(
  trx: Transaction<DB>,
  config: Config,
  mailer: Mailer,
  jobId: string,
  recipientId: string,
): Promise<{ mailed: number; dropped: number; providerId?: string }> {
  const claimed = await claimPending(trx, recipientId, new Date(Date.now() - KEEP_DAYS * 86_400_000));
  if (claimed.length === 0) return { mailed: 0, dropped: 0 };
  const context = await digestContext(
    trx,
    recipientId,
    [...new Set(claimed.map((n) => n.ticket_id))],
    [...new Set(claimed.map((n) => n.actor_id ?? recipientId))],
  );
  const { recipient } = context;
  const preferences = preferencesFrom(context.preferences);
  // A pending account hears only of tickets it started by mail: there the mailbox is how the
  // person follows their ticket. (The help form mails its own receipt, with the confirmation link,
  // and nothing more until the address is confirmed.) A disabled account hears nothing.
  const byMail =
    recipient?.status === 'pending_verification'
      ? new Set(context.tickets.filter((t) => t.channel === 'email').map((t) => t.id))
      : null;
  const wanted =
    recipient?.status === 'active' || byMail
      ? claimed.filter((n) => preferences[n.kind] && (!byMail || byMail.has(n.ticket_id)))
      : [];
  const reader = { locale: recipient?.locale ?? null, timeZone: recipient?.time_zone ?? null };
  const t = translator(pickLocale(reader.locale));
  const described = wanted.length > 0 ? describe(config, recipientId, wanted, context, t) : [];
  const notices = described.map((d) => d.notice);
  if (!recipient || notices.length === 0) return { mailed: 0, dropped: claimed.length };
  const name = recipient.display_name;
  const rendered =
    notices.length === 1
      ? renderMail('ticket-update', { name, notice: notices[0]! }, reader)
      : renderMail('ticket-digest', { name, notices }, reader);
  // One ticket's notice threads with the ticket's other mail and is answered to its own address.
  // A receipt answers the mail that opened the ticket: RFC 3834 calls that auto-replied.
  const marked =
    wanted.length === 1 && wanted[0]!.kind === 'ticket_created' ? 'auto-replied' : 'auto-generated';
  const thread =
    described.length === 1
      ? await mailThreadFor(trx, config, described[0]!.ticket, recipient.email, { autoSubmitted: marked })
      : undefined;
  const { providerId } = await mailer.send(
    {
      to: recipient.email,
      from: config.MAIL_FROM,
      ...rendered,
      idempotencyKey: `ticket-notices-${jobId}`,
      ...(thread ?? { headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' } }),
    },
    trx,
  );
  return { mailed: notices.length, dropped: claimed.length - notices.length, providerId };
}

/**
 * Mails one person everything pending for them: one event as it is, several as one digest. The
 * mail is written when it goes out, so the job delivers it itself through the process's Mailer
 * (the run's ports), on send_mail's terms: inside the run's transaction, retried with backoff, one
 * idempotency key per run.
 */
export const digestJob = (config: Config): JobDefinition<typeof Payload> =>
  defineJob({
    name: 'ticket_notifications',
    payload: Payload,
    retries: 5,
    backoff: { delaySeconds: 30, exponential: true },
    timeoutSeconds: 60,
    async run({ trx, jobId, logger, ports }, { recipientId }) {
      const outcome = await sendDigest(trx, config, ports.mailer, jobId, recipientId);
      // Counts and the provider's id only: addresses and message text stay out of the logs.
      if (outcome.mailed + outcome.dropped > 0) logger.info(outcome, 'ticket notifications handled');
    },
  });

/**
 * Schedules a digest per recipient, NOTIFY_DIGEST_DELAY_SECONDS out (a receipt: at once), in the
 * caller's transaction.
 * Every change schedules its own run; the first to start takes everything pending by then, so a
 * burst of changes is one mail and the later runs find nothing.
 */
export function notificationJobs(platform: { config: Config; jobs: JobEnqueuer }): NotificationJobs {
  const job = digestJob(platform.config);
  const startAfterSeconds = platform.config.NOTIFY_DIGEST_DELAY_SECONDS;
  return {
    async schedule(trx, recipientIds, options = {}) {
      // A receipt goes out at once (and takes along whatever else is pending for that person).
      const delay = options.atOnce ? 0 : startAfterSeconds;
      for (const recipientId of new Set(recipientIds))
        await platform.jobs.enqueue({ trx }, job, { recipientId }, { startAfterSeconds: delay });
    },
    mailReply: (trx, messageId, recipients) =>
      scheduleReplyMail(trx, platform.jobs, platform.config, messageId, recipients),
    async channelReply(trx, channel, reply) {
      const send = replyChannelFor(channel);
      if (!send) return false;
      await send(trx, platform, reply);
      return true;
    },
  };
}
