import type { Transaction } from 'kysely';
import type { AuthContext } from '../../../identity/context.js';
import type { DB } from '../../../platform/db/schema.js';
import type { TicketActor } from '../policy.js';
import type { ChannelReply } from '../reply-channels.js';
import type { Channel, Visibility } from '../table.js';
import { activeTeam } from '../team.js';
import { replyRecipients } from './reply-mail.js';
import { insertNotifications, type TicketParties, ticketParties } from './repo.js';
import type { NotificationData, NotificationKind } from './table.js';

/** Where notification digests are scheduled: a delayed job per recipient (digest.ts). */
export interface NotificationJobs {
  schedule(
    trx: Transaction<DB>,
    recipientIds: readonly string[],
    options?: { atOnce?: boolean },
  ): Promise<void>;
  /** Mails a team reply itself to these addresses (reply-mail.ts), one job each. */
  mailReply(trx: Transaction<DB>, messageId: string, recipients: readonly string[]): Promise<void>;
  /**
   * Hands a team reply to the ticket's own channel when that channel carries replies (SMS: a text
   * to the requester); false when it does not.
   */
  channelReply(trx: Transaction<DB>, channel: Channel, reply: ChannelReply): Promise<boolean>;
}

/**
 * A ticket change's context: the request's transaction and where its notifications go. Routes
 * (API and pages) build it with `inTicketTransaction(ticketDeps(app.platform), request, run)`
 * from `tickets/context.ts`.
 */
export interface TicketContext extends AuthContext {
  notifications: NotificationJobs;
  /** The tickets whose timeline this use case added to: their live streams hear of it after commit. */
  changed: Set<string>;
}

export type TicketChange =
  | { event: 'opened'; body: string }
  | { event: 'message'; messageId: string; body: string; visibility: Visibility; reopened: boolean }
  | {
      event: 'changed';
      changes: readonly (readonly [kind: string, from: string | null, to: string | null])[];
    };

/** Long messages are cut in the mail; the link leads to the whole thread. */
const BODY_LIMIT = 4000;
const excerpt = (body: string) => (body.length > BODY_LIMIT ? `${body.slice(0, BODY_LIMIT)}…` : body);

interface Planned {
  kind: NotificationKind;
  /** `user`: one person named by the change (the new assignee). */
  to: 'requester' | 'team' | { user: string };
  data: NotificationData;
}

function plan(
  ticket: { requester_id: string },
  actor: TicketActor,
  change: TicketChange,
  requesterMailed: boolean,
): Planned[] {
  if (change.event === 'opened')
    return [{ kind: 'ticket_created', to: 'requester', data: { body: excerpt(change.body) } }];
  if (change.event === 'message') {
    if (change.visibility !== 'public') return [];
    if (actor.userId === ticket.requester_id)
      return [
        {
          kind: 'customer_reply',
          to: 'team',
          data: { body: excerpt(change.body), reopened: change.reopened },
        },
      ];
    // On a ticket that lives by mail the requester gets the reply itself, not a notice of it.
    if (requesterMailed) return [];
    return [{ kind: 'agent_reply', to: 'requester', data: { body: excerpt(change.body) } }];
  }
  return change.changes.flatMap(([kind, from, to]): Planned[] => {
    if (kind === 'status')
      return [
        {
          kind: 'status_changed',
          to: 'requester',
          data: { ...(from ? { from } : {}), ...(to ? { to } : {}) },
        },
      ];
    // Claiming a ticket tells no one (nobody hears of their own action, below).
    if (kind === 'assignee' && to) return [{ kind: 'ticket_assigned', to: { user: to }, data: {} }];
    return [];
  });
}

/**
 * Records, in the change's own transaction, who should hear of it, and schedules their digests;
 * so a rolled-back change mails no one. The requester hears of their ticket being opened (a
 * receipt, also when they opened it themselves), of public replies and of status changes; the
 * assignee, or on an unassigned ticket the whole team, hears of the requester's replies; an agent
 * hears of a ticket assigned to them by someone else. Internal
 * notes reach no one, and nobody else is told of their own action. Preferences and disabled
 * accounts are checked when the digest goes out.
 */
export async function notifyTicket(
  ctx: TicketContext,
  actor: TicketActor,
  ticketId: string,
  change: TicketChange,
  /** Who the ticket's parties are, when the caller has just written them (a new ticket). */
  known?: TicketParties,
): Promise<void> {
  const ticket = known ?? (await ticketParties(ctx.trx, ticketId));
  // A public reply by the team goes out by mail to those copied (and, by mail, to the requester).
  const teamReply =
    change.event === 'message' && change.visibility === 'public' && actor.userId !== ticket.requester_id;
  const mailed = teamReply ? await replyRecipients(ctx.trx, ticket, actor.userId) : [];
  if (change.event === 'message' && mailed.length > 0)
    await ctx.notifications.mailReply(ctx.trx, change.messageId, mailed);
  const carried =
    teamReply &&
    change.event === 'message' &&
    (await ctx.notifications.channelReply(ctx.trx, ticket.channel, {
      ticketId,
      messageId: change.messageId,
      body: change.body,
      authorId: actor.userId,
    }));
  // The requester has the reply already (by mail or by their own channel): no notice about it.
  const requesterMailed = (ticket.channel === 'email' && mailed.length > 0) || carried;
  const rows = [];
  for (const { kind, to, data } of plan(ticket, actor, change, requesterMailed)) {
    const recipients =
      typeof to === 'object'
        ? [to.user]
        : to === 'requester'
          ? [ticket.requester_id]
          : ticket.assignee_id
            ? [ticket.assignee_id]
            : await activeTeam(ctx.trx);
    for (const recipient of recipients) {
      if (recipient === actor.userId && kind !== 'ticket_created') continue;
      rows.push({
        recipient_id: recipient,
        ticket_id: ticketId,
        actor_id: actor.userId,
        kind,
        data: JSON.stringify(data),
      });
    }
  }
  if (rows.length === 0) return;
  await insertNotifications(ctx.trx, rows);
  await ctx.notifications.schedule(
    ctx.trx,
    rows.map((r) => r.recipient_id),
    { atOnce: change.event === 'opened' },
  );
}
