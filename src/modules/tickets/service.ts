import type { Transaction } from 'kysely';
import { loadRoleGraph } from '../../identity/role-graph-repo.js';
import type { DB } from '../../platform/db/schema.js';
import { invalidField, refusal } from '../../shared/errors.js';
import { type AttachmentClaim, claimUploads } from './attachments/service.js';
import { renderMarkdown } from './markdown.js';
import { notifyTicket, type TicketContext } from './notifications/notify.js';
import { assertActsOn, assertVisible, handlesAll, seesAll, type TicketActor } from './policy.js';
import { recordEvent } from './repo/events.js';
import { findMessageVisibility, insertMessage } from './repo/messages.js';
import { userStanding } from './repo/team.js';
import {
  findTicket,
  insertTicket,
  isLiveCategory,
  lockTicket,
  statusKind,
  type TicketChangeSet,
  type TicketRow,
  updateTicket,
} from './repo/tickets.js';
import type { Channel, Priority, Visibility } from './table.js';
import { isTeamMember } from './team.js';

export interface NewTicket {
  subject: string;
  body: string;
  priority?: Priority;
  categoryId?: string | null;
  tags?: string[];
  channel: Channel;
  /** Staff and integrations open tickets for someone; customers always for themselves. */
  requesterId?: string;
  /** The text search configuration its subject and messages are indexed with (SEARCH_LANGUAGE). */
  language: string;
  /** The actor's uploads the first message carries (see `withAttachments`). */
  attachments?: AttachmentClaim;
}

/** A refused field, in English and as a `tickets:errors.*` key for the reader's language. */
const invalid = (pointer: string, detail: string, key: string, values?: Record<string, string | number>) =>
  invalidField(pointer, detail, { key: `tickets:errors.${key}`, ...(values ? { values } : {}) });

function cleanTags(tags: readonly string[]): string[] {
  const clean = [...new Set(tags.map((t) => t.trim().toLowerCase()).filter(Boolean))].sort();
  if (clean.length > 20 || clean.some((t) => !/^[a-z0-9][a-z0-9_.-]{0,39}$/.test(t)))
    throw invalid(
      '/body/tags',
      'Use up to 20 tags of letters, digits, ., - or _ (at most 40 characters each).',
      'tags',
    );
  return clean;
}

async function checkCategory(trx: Transaction<DB>, categoryId: string | null | undefined) {
  if (!categoryId) return;
  if (!(await isLiveCategory(trx, categoryId)))
    throw invalid('/body/categoryId', 'There is no such category.', 'category');
}

// The table's limits (the tickets migration), checked here so every caller, pages included, gets
// a message next to the field instead of a database error.
const MAX_SUBJECT = 200;
const MAX_BODY = 50_000;
function checkBodyLength(body: string): void {
  if (body.length > MAX_BODY)
    throw invalid(
      '/body/body',
      `Keep a message to ${MAX_BODY.toLocaleString('en')} characters.`,
      'bodyLength',
      {
        max: MAX_BODY,
      },
    );
}

/** Opens a ticket with its first message; the timeline starts with `created`. */
export async function openTicket(
  ctx: TicketContext,
  actor: TicketActor,
  input: NewTicket,
): Promise<TicketRow> {
  const opened = await createTicket(ctx, actor, input);
  return (await findTicket(ctx.trx, opened.ticketId))!;
}

/**
 * `openTicket` without reading the ticket back: the new ticket's and its first message's ids
 * (a channel taking mail in a burst needs no more, and every statement counts there).
 */
export async function createTicket(
  ctx: TicketContext,
  actor: TicketActor,
  input: NewTicket,
): Promise<{ ticketId: string; messageId: string }> {
  const subject = input.subject.trim();
  const body = input.body.trim();
  if (!subject) throw invalid('/body/subject', 'Give the ticket a subject.', 'subject');
  if (subject.length > MAX_SUBJECT)
    throw invalid('/body/subject', `Keep the subject to ${MAX_SUBJECT} characters.`, 'subjectLength', {
      max: MAX_SUBJECT,
    });
  if (!body) throw invalid('/body/body', 'Describe what you need help with.', 'body');
  checkBodyLength(body);
  const forSomeoneElse = input.requesterId !== undefined && input.requesterId !== actor.userId;
  if (forSomeoneElse && !handlesAll(actor))
    throw refusal('forbidden', 'You can only open tickets for yourself.', {
      key: 'tickets:errors.forSelf',
    });
  const requesterId = input.requesterId ?? actor.userId;
  if (!requesterId) throw invalid('/body/requesterId', 'Name the requester the ticket is for.', 'requester');
  const priority = input.priority ?? 'normal';
  if (
    (priority === 'high' || priority === 'urgent') &&
    !actor.permissions.has('tickets:priority') &&
    !handlesAll(actor)
  )
    throw invalid(
      '/body/priority',
      'Priority handling (high or urgent) is part of the premium plan.',
      'premiumPriority',
    );
  await checkCategory(ctx.trx, input.categoryId);
  const ticket = await insertTicket(ctx.trx, {
    subject,
    requester_id: requesterId,
    category_id: input.categoryId ?? null,
    priority,
    status: 'open',
    channel: input.channel,
    tags: cleanTags(input.tags ?? []),
    language: input.language,
    assignee_id: null,
    operator_id: null,
    resolved_at: null,
    closed_at: null,
  });
  const first = await insertMessage(ctx.trx, {
    ticket_id: ticket.id,
    author_id: actor.userId,
    body,
    body_html: renderMarkdown(body),
    visibility: 'public',
    reply_to_id: null,
    channel: input.channel,
    language: input.language,
  });
  if (input.attachments)
    await claimUploads(ctx.trx, actor, input.attachments, { ticketId: ticket.id, messageId: first.id });
  await recordEvent(ctx.trx, ticket.id, actor.userId, 'created');
  ctx.changed.add(ticket.id);
  await notifyTicket(
    ctx,
    actor,
    ticket.id,
    { event: 'opened', body },
    { id: ticket.id, requester_id: requesterId, assignee_id: null, channel: input.channel },
  );
  return { ticketId: ticket.id, messageId: first.id };
}

export interface NewMessage {
  body: string;
  visibility?: Visibility;
  replyToId?: string | null;
  channel: Channel;
  /** The actor's uploads the message carries (see `withAttachments`). */
  attachments?: AttachmentClaim;
}

/**
 * Adds a reply or an internal note. A requester's reply to a resolved ticket, or one the team
 * was waiting on them for, sets it back to open.
 */
export async function addMessage(
  ctx: TicketContext,
  actor: TicketActor,
  ticketId: string,
  input: NewMessage,
) {
  const ticket = assertVisible(actor, await lockTicket(ctx.trx, ticketId));
  assertActsOn(actor, ticket);
  const body = input.body.trim();
  if (!body) throw invalid('/body/body', 'Write a message first.', 'emptyMessage');
  checkBodyLength(body);
  const visibility = input.visibility ?? 'public';
  if (visibility === 'internal' && !seesAll(actor))
    throw refusal('forbidden', 'Only the team writes internal notes.', {
      key: 'tickets:errors.internalNotes',
    });
  if (input.replyToId) {
    const parent = await findMessageVisibility(ctx.trx, ticketId, input.replyToId);
    if (!parent || (parent.visibility === 'internal' && !seesAll(actor)))
      throw invalid('/body/replyToId', 'That message is not in this ticket.', 'replyTo');
  }
  return appendMessage(ctx, actor, ticket, { ...input, body, visibility });
}

/**
 * Writes a message the caller has checked (the actor may write it, it is not empty): its events,
 * the reopening by the requester, the notifications. `addMessage` for people; channels that
 * proved the sender themselves (email) come here through `appendFromChannel`.
 */
export async function appendMessage(
  ctx: TicketContext,
  actor: TicketActor,
  ticket: { id: string; requester_id: string; status: string },
  input: NewMessage & { body: string; visibility: Visibility },
) {
  const ticketId = ticket.id;
  const { body, visibility } = input;
  // Indexed in the ticket's language, whatever the instance's setting is today.
  const message = await insertMessage(ctx.trx, {
    ticket_id: ticketId,
    author_id: actor.userId,
    body,
    body_html: renderMarkdown(body),
    visibility,
    reply_to_id: input.replyToId ?? null,
    channel: input.channel,
  });
  if (input.attachments)
    await claimUploads(ctx.trx, actor, input.attachments, { ticketId, messageId: message.id });
  // In the timeline (and the live streams): `reply` for everyone, `note` for the team only.
  await recordEvent(
    ctx.trx,
    ticketId,
    actor.userId,
    visibility === 'internal' ? 'note' : 'reply',
    null,
    message.id,
  );
  const byRequester = actor.userId === ticket.requester_id;
  const kind = await statusKind(ctx.trx, ticket.status);
  const reopen = byRequester && (kind === 'resolved' || kind === 'closed' || kind === 'waiting');
  if (reopen) await recordEvent(ctx.trx, ticketId, actor.userId, 'status', ticket.status, 'open');
  ctx.changed.add(ticketId);
  await updateTicket(ctx.trx, ticketId, reopen ? { status: 'open', resolved_at: null, closed_at: null } : {});
  await notifyTicket(ctx, actor, ticketId, {
    event: 'message',
    messageId: message.id,
    body,
    visibility,
    reopened: reopen,
  });
  return { id: message.id, reopened: reopen };
}

export interface TicketChanges {
  status?: string;
  priority?: Priority;
  categoryId?: string | null;
  assigneeId?: string | null;
  tags?: string[];
}

/**
 * Changes a ticket when it is still at `expectedVersion` (else 412: someone changed it since it
 * was read, and nothing is written). Each changed field is an event in the timeline. Requesters
 * may only close their own ticket; the team may change everything.
 */
export async function changeTicket(
  ctx: TicketContext,
  actor: TicketActor,
  ticketId: string,
  expectedVersion: number,
  changes: TicketChanges,
): Promise<TicketRow> {
  const ticket = assertVisible(actor, await lockTicket(ctx.trx, ticketId));
  assertActsOn(actor, ticket);
  if (ticket.version !== expectedVersion)
    throw refusal(
      'precondition_failed',
      `The ticket changed since you read it (now version ${ticket.version}).`,
      {
        key: 'tickets:errors.changed',
        values: { version: ticket.version },
      },
    );
  if (!handlesAll(actor)) {
    const onlyClosing = Object.keys(changes).every((k) => k === 'status') && changes.status === 'closed';
    if (!onlyClosing)
      throw refusal('forbidden', 'You can close your ticket; the team changes the rest.', {
        key: 'tickets:errors.onlyClose',
      });
  }
  const set: TicketChangeSet = {};
  const events: [string, string | null, string | null][] = [];
  const note = (field: string, kind: string, from: string | null, to: string | null) => {
    if (from === to) return;
    (set as Record<string, unknown>)[field] = to;
    events.push([kind, from, to]);
  };
  if (changes.status !== undefined) {
    const kind = await statusKind(ctx.trx, changes.status);
    if (!kind)
      throw invalid('/body/status', `There is no status ${changes.status}.`, 'status', {
        status: changes.status,
      });
    if (changes.status !== ticket.status) {
      note('status', 'status', ticket.status, changes.status);
      set.resolved_at =
        kind === 'resolved' ? new Date() : kind === 'closed' ? (ticket.resolved_at ?? new Date()) : null;
      set.closed_at = kind === 'closed' ? new Date() : null;
    }
  }
  if (changes.priority !== undefined) note('priority', 'priority', ticket.priority, changes.priority);
  if (changes.categoryId !== undefined) {
    await checkCategory(ctx.trx, changes.categoryId);
    note('category_id', 'category', ticket.category_id, changes.categoryId);
  }
  if (changes.assigneeId !== undefined) {
    if (changes.assigneeId) await assertAgent(ctx.trx, changes.assigneeId);
    note('assignee_id', 'assignee', ticket.assignee_id, changes.assigneeId);
  }
  if (changes.tags !== undefined) {
    const tags = cleanTags(changes.tags);
    if (tags.join(',') !== ticket.tags.join(',')) {
      set.tags = tags;
      events.push(['tags', ticket.tags.join(','), tags.join(',')]);
    }
  }
  if (events.length === 0) return ticket;
  for (const [kind, from, to] of events) await recordEvent(ctx.trx, ticketId, actor.userId, kind, from, to);
  ctx.changed.add(ticketId);
  await notifyTicket(ctx, actor, ticketId, { event: 'changed', changes: events });
  await updateTicket(ctx.trx, ticketId, set);
  return (await findTicket(ctx.trx, ticketId))!;
}

/** Tickets are assigned to the team only: someone whose roles let them handle every ticket. */
async function assertAgent(trx: Transaction<DB>, userId: string): Promise<void> {
  const user = await userStanding(trx, userId);
  const handles = user && isTeamMember(await loadRoleGraph(trx), user.roles);
  if (user?.status !== 'active' || !handles)
    throw invalid(
      '/body/assigneeId',
      'Tickets can only be assigned to an active member of the team.',
      'assignee',
    );
}
