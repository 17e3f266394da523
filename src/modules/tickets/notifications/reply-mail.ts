import type { Transaction } from 'kysely';
import Type from 'typebox';
import type { Config } from '../../../config.js';
import type { DB } from '../../../platform/db/schema.js';
import { defineJob, type JobDefinition, type JobEnqueuer } from '../../../platform/jobs/define.js';
import type { MailAttachment } from '../../../platform/mail/port.js';
import { renderMail } from '../../../platform/mail/templates.js';
import type { FileStorage } from '../../../platform/storage/port.js';
import { attachmentsOfMessages } from '../attachments/repo.js';
import { ticketKey } from '../schemas.js';
import { mailThreadFor } from './mail-thread.js';

const Payload = Type.Object({
  messageId: Type.String({ format: 'uuid' }),
  recipient: Type.String({ minLength: 3, maxLength: 254 }),
});
/** Files go along up to this much in all; a larger set is named in the mail, to fetch from the ticket. */
const MAX_ATTACHED_BYTES = 15 * 1024 * 1024;

/** Who is mailed a team reply: everyone copied, and the requester when the ticket lives by mail. */
export async function replyRecipients(
  trx: Transaction<DB>,
  ticket: { id: string; channel: string; requester_id: string },
  authorId: string | null,
): Promise<string[]> {
  const [participants, people] = await Promise.all([
    trx.selectFrom('ticket_participants').select('email').where('ticket_id', '=', ticket.id).execute(),
    trx
      .selectFrom('users')
      .select(['id', 'email'])
      .where('id', 'in', [ticket.requester_id, ...(authorId ? [authorId] : [])])
      .execute(),
  ]);
  const requester = people.find((p) => p.id === ticket.requester_id)?.email.toLowerCase();
  const author = people.find((p) => p.id === authorId)?.email.toLowerCase();
  const all = [
    ...(ticket.channel === 'email' && requester ? [requester] : []),
    ...participants.map((p) => p.email),
  ];
  return [...new Set(all)].filter((email) => email !== author);
}

/** The display name of MAIL_FROM (`Acme Support <help@acme.test>`), for a reply whose author is gone. */
const senderName = (from: string) => /^\s*"?([^"<]+?)"?\s*</.exec(from)?.[1] ?? 'Support';

/** One mail per recipient, each its own job: one address failing does not resend the others. */
export async function scheduleReplyMail(
  trx: Transaction<DB>,
  jobs: JobEnqueuer,
  config: Config,
  messageId: string,
  recipients: readonly string[],
): Promise<void> {
  if (recipients.length === 0) return;
  await trx
    .updateTable('ticket_messages')
    .set({ delivery_status: 'queued' })
    .where('id', '=', messageId)
    .execute();
  const job = replyMailJob(config);
  for (const recipient of recipients) await jobs.enqueue({ trx }, job, { messageId, recipient });
}

async function filesOf(trx: Transaction<DB>, storage: FileStorage, messageId: string) {
  const rows = await attachmentsOfMessages(trx, [messageId]);
  const names = rows.map((r) => r.filename);
  const total = rows.reduce((sum, r) => sum + r.size_bytes, 0);
  if (rows.length === 0 || total > MAX_ATTACHED_BYTES) return { names, attached: [] };
  const attached: MailAttachment[] = [];
  for (const row of rows) {
    const stream = await storage.get(row.storage_key);
    attached.push({
      filename: row.filename,
      contentType: row.content_type,
      content: Buffer.concat(await stream.toArray()),
    });
  }
  return { names, attached };
}

/**
 * Mails a team's public reply to one person as the conversation itself: Re: [SB-n] subject, the
 * reply as HTML and text with its files, threaded (Message-ID kept with the message, so a bounce
 * names it), answered to the ticket's signed address. A person removed from the ticket, or
 * disabled, since the reply was written gets nothing. The message shows `sent` once a mail left.
 */
export const replyMailJob = (config: Config): JobDefinition<typeof Payload> =>
  defineJob({
    name: 'ticket_reply_mail',
    payload: Payload,
    retries: 5,
    backoff: { delaySeconds: 30, exponential: true },
    timeoutSeconds: 120,
    async run({ trx, jobId, logger, ports }, { messageId, recipient }) {
      const message = await trx
        .selectFrom('ticket_messages as m')
        .innerJoin('tickets as t', 't.id', 'm.ticket_id')
        .select(['m.id', 'm.body', 'm.body_html', 'm.visibility', 'm.author_id', 'm.created_at'])
        .select(['t.id as ticket_id', 't.number', 't.subject', 't.channel', 't.requester_id'])
        .select((eb) => eb.fn<string | null>('user_display_name', ['m.author_id']).as('author'))
        .where('m.id', '=', messageId)
        .executeTakeFirst();
      if (message?.visibility !== 'public') return;
      const ticket = {
        id: message.ticket_id,
        number: message.number,
        channel: message.channel,
        requester_id: message.requester_id,
      };
      if (!(await replyRecipients(trx, ticket, message.author_id)).includes(recipient)) return;
      const reader = await trx
        .selectFrom('users')
        .select(['id', 'status', 'locale', 'time_zone'])
        .where((eb) => eb(eb.fn('lower', ['email']), '=', recipient))
        .executeTakeFirst();
      if (reader?.status === 'disabled') return;
      const key = ticketKey(message.number);
      const files = await filesOf(trx, ports.storage, message.id);
      const rendered = renderMail(
        'ticket-reply',
        {
          key,
          subject: message.subject,
          author: message.author ?? senderName(config.MAIL_FROM),
          body: message.body,
          bodyHtml: message.body_html,
          files: files.names,
          // Only the requester has the ticket in their portal; the others answer by mail.
          url: reader?.id === message.requester_id ? `${config.PUBLIC_URL}/tickets/${key}` : null,
        },
        { locale: reader?.locale ?? null, timeZone: reader?.time_zone ?? null },
      );
      const thread = await mailThreadFor(trx, config, ticket, recipient, {
        autoSubmitted: 'no',
        ticketMessageId: message.id,
      });
      const { providerId } = await ports.mailer.send(
        {
          to: recipient,
          from: config.MAIL_FROM,
          ...rendered,
          ...thread,
          idempotencyKey: `ticket-reply-${jobId}`,
          ...(files.attached.length > 0 ? { attachments: files.attached } : {}),
        },
        trx,
      );
      // A bounce that came back already (failed) stays failed.
      await trx
        .updateTable('ticket_messages')
        .set({ delivery_status: 'sent' })
        .where('id', '=', message.id)
        .where('delivery_status', '=', 'queued')
        .execute();
      logger.info({ providerId, message: message.id }, 'ticket reply mailed');
    },
  });
