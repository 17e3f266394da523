import type { Transaction } from 'kysely';
import type { Config } from '../../config.js';
import type { DB } from '../../platform/db/schema.js';
import type { JobEnqueuer } from '../../platform/jobs/define.js';
import type { FileStorage } from '../../platform/storage/port.js';
import {
  attachmentDeps,
  type ChannelFiles,
  sortChannelFiles,
  storeChannelFiles,
  type UploadedFile,
} from './attachments/service.js';
import type { TicketContext } from './context.js';
import { notificationJobs } from './notifications/digest.js';
import { insertNotifications, ticketParties } from './notifications/repo.js';
import type { TicketActor } from './policy.js';
import { recordEvent } from './repo/events.js';
import { findTicketByNumber, lockTicket, TICKET_COLUMNS, type TicketRow } from './repo/tickets.js';
import { appendMessage, createTicket } from './service.js';
import type { Channel } from './table.js';
import { activeTeam } from './team.js';

export type { TicketRow } from './repo/tickets.js';

/**
 * Tickets for channels that proved who the sender is themselves (the email channel: a signed
 * reply address, the sender on the ticket, SPF/DKIM/DMARC), running as the system in a job. The
 * sender writes as themselves: a customer's actor, so notifications and reopening work as for a
 * reply from the portal.
 */
export interface ChannelContext {
  trx: Transaction<DB>;
  config: Config;
  jobs: JobEnqueuer;
  storage: FileStorage;
}

export type { UploadedFile };

const asSender = (userId: string): TicketActor => ({ userId, permissions: new Set(['tickets:create']) });

function ticketContext(channel: ChannelContext, changed: Set<string>): TicketContext {
  return {
    trx: channel.trx,
    meta: { ip: '', userAgent: null },
    failures: [],
    notifications: notificationJobs({ config: channel.config, jobs: channel.jobs }),
    changed,
  };
}

/** What became of the files a message brought: how many were kept, which were left out and why. */
export interface KeptFiles {
  kept: number;
  left: ChannelFiles['left'];
}

/**
 * The files that fit the upload limits, and the body with a line naming those that did not
 * (so the agent knows to ask for them another way).
 */
function sortFiles(channel: ChannelContext, body: string, files: readonly UploadedFile[] = []) {
  const deps = attachmentDeps({ storage: channel.storage, config: channel.config });
  const sorted = sortChannelFiles(deps, files);
  const note =
    sorted.left.length > 0
      ? `\n\n_(Not kept: ${sorted.left.map((f) => `${f.filename} (${f.why})`).join(', ')}.)_`
      : '';
  const store = async (target: { ticketId: string; messageId: string; uploaderId: string }) => {
    const rows = await storeChannelFiles(deps, channel.trx, target, sorted.keep);
    return { kept: rows.length, left: sorted.left };
  };
  return { body: body + note, store };
}

/** Opens a ticket for `requesterId` with the sender's first message and the files it carried. */
export async function openFromChannel(
  channel: ChannelContext,
  input: {
    requesterId: string;
    subject: string;
    body: string;
    channel: Channel;
    categoryId: string | null;
    files?: readonly UploadedFile[];
  },
): Promise<{ ticketId: string; messageId: string; files: KeptFiles }> {
  const ctx = ticketContext(channel, new Set());
  const files = sortFiles(channel, input.body, input.files);
  const { ticketId, messageId } = await createTicket(ctx, asSender(input.requesterId), {
    subject: input.subject,
    body: files.body,
    categoryId: input.categoryId,
    priority: 'normal',
    channel: input.channel,
    language: channel.config.SEARCH_LANGUAGE,
  });
  const kept = await files.store({ ticketId, messageId, uploaderId: input.requesterId });
  return { ticketId, messageId, files: kept };
}

/** Adds the sender's public reply, with its files, to a ticket (locked for the rest of the transaction). */
export async function appendFromChannel(
  channel: ChannelContext,
  ticketId: string,
  input: { authorId: string; body: string; channel: Channel; files?: readonly UploadedFile[] },
): Promise<{ messageId: string; reopened: boolean; files: KeptFiles }> {
  const ctx = ticketContext(channel, new Set());
  const ticket = await lockTicket(channel.trx, ticketId);
  if (!ticket) throw new Error(`ticket ${ticketId} is gone`);
  const files = sortFiles(channel, input.body.trim(), input.files);
  const added = await appendMessage(ctx, asSender(input.authorId), ticket, {
    body: files.body,
    visibility: 'public',
    channel: input.channel,
  });
  const kept = await files.store({ ticketId, messageId: added.id, uploaderId: input.authorId });
  return { messageId: added.id, reopened: added.reopened, files: kept };
}

/** The ticket `SB-<number>` names, whoever may see it (the caller decides). */
export const ticketByNumber = (trx: Transaction<DB>, number: string) => findTicketByNumber(trx, number);

/**
 * The ticket the latest of `messageIds` (a mail's In-Reply-To and References) belongs to, mail in
 * or out, whoever may see it (the caller decides).
 */
export const ticketByMailReference = (
  trx: Transaction<DB>,
  messageIds: readonly string[],
): Promise<TicketRow | undefined> =>
  trx
    .selectFrom('ticket_mail_ids')
    .innerJoin('tickets', 'tickets.id', 'ticket_mail_ids.ticket_id')
    .select(TICKET_COLUMNS)
    .where('ticket_mail_ids.message_id', 'in', messageIds)
    .orderBy('ticket_mail_ids.created_at', 'desc')
    .limit(1)
    .executeTakeFirst();

/**
 * A reply mailed from a ticket came back undelivered (a bounce naming the mail's Message-ID): the
 * message shows as failed in the thread, the timeline says to whom, and the agent the ticket is
 * assigned to (unassigned: the team) is told, so the customer is reached another way.
 */
export async function reportUndelivered(
  channel: ChannelContext,
  sent: { ticketId: string; ticketMessageId: string; recipient: string | null; via?: 'mail' | 'text' },
): Promise<void> {
  const changed = await channel.trx
    .updateTable('ticket_messages')
    .set({ delivery_status: 'failed' })
    .where('id', '=', sent.ticketMessageId)
    .where('ticket_id', '=', sent.ticketId)
    .where('delivery_status', '!=', 'failed')
    .executeTakeFirst();
  // A second bounce for the same message (two copies, a re-sent report) tells no one again.
  if (Number(changed.numUpdatedRows) === 0) return;
  const recipient = sent.recipient ?? '';
  const kind = sent.via === 'text' ? 'text_undelivered' : 'mail_undelivered';
  await recordEvent(channel.trx, sent.ticketId, null, kind, null, recipient);
  const ticket = await ticketParties(channel.trx, sent.ticketId);
  const team = ticket.assignee_id ? [ticket.assignee_id] : await activeTeam(channel.trx);
  if (team.length === 0) return;
  await insertNotifications(
    channel.trx,
    team.map((id) => ({
      recipient_id: id,
      ticket_id: sent.ticketId,
      actor_id: null,
      kind: 'reply_undelivered' as const,
      data: JSON.stringify({ recipient }),
    })),
  );
  await notificationJobs({ config: channel.config, jobs: channel.jobs }).schedule(channel.trx, team, {
    atOnce: true,
  });
}

/**
 * A channel's report that a team reply went out (`sent`) or reached the customer's phone
 * (`delivered`). It only moves forward (a late "sent" after "delivered", or anything after
 * "failed", changes nothing); reaching the customer is a timeline entry, so open pages update.
 * Answers whether the ticket changed (then announce it once committed).
 */
export async function reportDelivered(
  trx: Transaction<DB>,
  sent: { ticketId: string; ticketMessageId: string; state: 'sent' | 'delivered' },
): Promise<boolean> {
  const earlier = sent.state === 'sent' ? ['received', 'queued'] : ['received', 'queued', 'sent'];
  const changed = await trx
    .updateTable('ticket_messages')
    .set({ delivery_status: sent.state })
    .where('id', '=', sent.ticketMessageId)
    .where('ticket_id', '=', sent.ticketId)
    .where('delivery_status', 'in', earlier)
    .executeTakeFirst();
  if (Number(changed.numUpdatedRows) === 0) return false;
  if (sent.state === 'delivered') await recordEvent(trx, sent.ticketId, null, 'text_delivered', null, null);
  return sent.state === 'delivered';
}
