import type { Transaction } from 'kysely';
import type { Config } from '../../config.js';
import type { DB } from '../../platform/db/schema.js';
import type { JobEnqueuer } from '../../platform/jobs/define.js';
import type { Channel } from './table.js';

/** The team's public reply on a ticket, as a channel that carries it to the requester sees it. */
export interface ChannelReply {
  ticketId: string;
  messageId: string;
  body: string;
  authorId: string | null;
}

/**
 * Sends (queues, in the reply's transaction) a team reply on a ticket of its channel to the
 * requester: a text from the line they wrote to, say. Throwing refuses the reply itself (an
 * AppError becomes its answer: a phone that opted out is a 409, and nothing is written).
 */
export type ReplyChannelSend = (
  trx: Transaction<DB>,
  deps: { config: Config; jobs: JobEnqueuer },
  reply: ChannelReply,
) => Promise<void>;

const channels = new Map<Channel, ReplyChannelSend>();

/**
 * A channel feature (sms) registers how its tickets' replies go out, instead of tickets importing
 * it: that feature already depends on tickets. Email replies go by the notifications' own mail.
 */
export function registerReplyChannel(channel: Channel, send: ReplyChannelSend): void {
  channels.set(channel, send);
}

export const replyChannelFor = (channel: Channel): ReplyChannelSend | undefined => channels.get(channel);
