import { sql, type Transaction } from 'kysely';
import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';
import type { Config } from '../../../config.js';
import { findUserByEmail, insertUser, type UserRow } from '../../../identity/users/repo.js';
import type { DB } from '../../../platform/db/schema.js';
import type { JobEnqueuer } from '../../../platform/jobs/define.js';
import type { FileStorage } from '../../../platform/storage/port.js';
import {
  appendFromChannel,
  openFromChannel,
  reportUndelivered,
  type TicketRow,
  type UploadedFile,
} from '../../tickets/index.js';
import { addressBook } from '../addresses.js';
import { htmlToSafeText } from '../content/html-text.js';
import { newReplyText } from '../content/reply-text.js';
import type { InboundOutcome } from '../table.js';
import { automaticReason } from './automatic.js';
import { bounceOf, undelivered } from './bounce.js';
import { CHECK_DROPPED, isReturnedCheck } from './check.js';
import { findThread, isOnTicket } from './thread-match.js';

export interface InboundDeps {
  trx: Transaction<DB>;
  config: Config;
  jobs: JobEnqueuer;
  storage: FileStorage;
}

/** What the pipeline decided, written on the mail's row. */
interface Decision {
  state: 'done' | 'quarantined' | 'discarded';
  outcome: InboundOutcome;
  reason?: string;
  ticketId?: string;
  ticketMessageId?: string;
}

const MAX_BODY = 50_000;
const MAX_PARTICIPANTS = 50;

/**
 * Turns one stored mail into what it is: a bounce of our own mail, automatic mail (never answered,
 * never a ticket), a reply to a ticket (only from someone on it, only when the sender's domain did
 * not disown it), or a new ticket (at most EMAIL_NEW_TICKETS_PER_HOUR per sender). Anything that
 * fails a check is quarantined for an agent to release or discard, not dropped. `release` is that
 * agent's word: the sender and authentication checks are skipped, the rest is the same.
 */
export async function processInbound(
  deps: InboundDeps,
  id: string,
  release = false,
): Promise<Decision | null> {
  const row = await deps.trx
    .selectFrom('mail_inbound')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) return null;
  // Handled already (a retried run, a second release): nothing more to do.
  if (row.state !== 'pending') return null;
  let mail: ParsedMail;
  try {
    mail = await simpleParser(row.raw, {
      skipImageLinks: true,
      skipTextToHtml: true,
      keepDeliveryStatus: true,
      maxHtmlLengthToParse: 2_000_000,
    });
  } catch {
    return record(deps, id, null, { state: 'quarantined', outcome: 'quarantined', reason: 'unreadable' });
  }
  const decision = await decide(deps, row, mail, release);
  return record(deps, id, mail, decision);
}

async function record(deps: InboundDeps, id: string, mail: ParsedMail | null, decision: Decision) {
  const sender = mail ? senderOf(mail) : null;
  const outcome = (db: Transaction<DB>) =>
    db
      .updateTable('mail_inbound')
      .set({
        state: decision.state,
        outcome: decision.outcome,
        reason: decision.reason ?? null,
        sender: sender?.address ?? null,
        subject: mail?.subject?.slice(0, 500) ?? null,
        ticket_id: decision.ticketId ?? null,
        ticket_message_id: decision.ticketMessageId ?? null,
        processed_at: new Date(),
      })
      .where('id', '=', id);
  if (!(mail?.messageId && WELL_FORMED_ID.test(mail.messageId) && decision.ticketId)) {
    await outcome(deps.trx).execute();
    return decision;
  }
  // The outcome and the Message-ID later replies thread by, in one statement (a CTE).
  await deps.trx
    .with('outcome', () => outcome(deps.trx).returning('id'))
    .insertInto('ticket_mail_ids')
    .values({
      message_id: mail.messageId.slice(0, 998),
      ticket_id: decision.ticketId,
      ticket_message_id: decision.ticketMessageId ?? null,
      direction: 'in',
    })
    .onConflict((oc) => oc.column('message_id').doNothing())
    .execute();
  return decision;
}

type StoredMail = { envelope_from: string | null; envelope_to: string[]; authentication: unknown };

async function decide(
  deps: InboundDeps,
  row: StoredMail,
  mail: ParsedMail,
  release: boolean,
): Promise<Decision> {
  if (await isReturnedCheck(deps, mail)) return CHECK_DROPPED;
  const bounce = bounceOf(mail);
  if (bounce) return markBounced(deps, bounce.originalMessageId, bounce.recipients.some(undelivered));
  const automatic = automaticReason(mail, row.envelope_from);
  if (automatic) return { state: 'discarded', outcome: 'auto-reply-dropped', reason: automatic };
  const sender = senderOf(mail);
  if (!sender) return { state: 'quarantined', outcome: 'quarantined', reason: 'no-sender' };
  const book = await addressBook(deps.trx, deps.config);
  const ours = book.ours;
  // Our own address as sender is our own mail come back (a forwarding rule, a receipt sent to a
  // support address): answering it would be a loop.
  if (isOurs(sender.address, ours))
    return { state: 'discarded', outcome: 'auto-reply-dropped', reason: 'from-ourselves' };
  if (!release && failsAuthentication(row.authentication))
    return { state: 'quarantined', outcome: 'quarantined', reason: 'authentication' };

  const recipients = [...row.envelope_to, ...addressesOf(mail.to), ...addressesOf(mail.cc)];
  const thread = await findThread(deps.trx, deps.config, mail, recipients);
  if (thread) {
    const body = bodyOf(mail, true);
    const onTicket = await isOnTicket(deps.trx, thread.ticket, sender.address);
    if (!onTicket && !release)
      return {
        state: 'quarantined',
        outcome: 'quarantined',
        reason: 'not-on-ticket',
        ticketId: thread.ticket.id,
      };
    // Someone on the ticket (a CC'd colleague) may have no account yet: they get a pending one.
    const author = await senderAccount(deps, sender, 'create');
    if (!author)
      return {
        state: 'quarantined',
        outcome: 'quarantined',
        reason: 'not-on-ticket',
        ticketId: thread.ticket.id,
      };
    if (release && !onTicket) await addParticipants(deps.trx, thread.ticket.id, [sender.address], ours);
    const added = await appendFromChannel(channelOf(deps), thread.ticket.id, {
      authorId: author.id,
      body,
      channel: 'email',
      files: filesOf(mail),
    });
    await addParticipants(deps.trx, thread.ticket.id, ccOf(mail, sender.address), ours);
    return { state: 'done', outcome: 'reply', ticketId: thread.ticket.id, ticketMessageId: added.messageId };
  }
  // One sender's mails take turns here, so mails processed at once cannot all pass the count.
  await sql`select pg_advisory_xact_lock(hashtext(${`mail-sender:${sender.address}`}))`.execute(deps.trx);
  if (
    !release &&
    (await newTicketsLastHour(deps.trx, sender.address)) >= deps.config.EMAIL_NEW_TICKETS_PER_HOUR
  )
    return { state: 'quarantined', outcome: 'quarantined', reason: 'rate' };
  const requester = await senderAccount(
    deps,
    sender,
    release ? 'create' : deps.config.EMAIL_NEW_SENDERS === 'create' ? 'create' : 'existing',
  );
  if (!requester) return { state: 'quarantined', outcome: 'quarantined', reason: 'unknown-sender' };
  const opened = await openFromChannel(channelOf(deps), {
    requesterId: requester.id,
    subject: subjectOf(mail),
    body: bodyOf(mail, false),
    channel: 'email',
    categoryId: book.categoryFor(recipients),
    files: filesOf(mail),
  });
  await addParticipants(deps.trx, opened.ticketId, ccOf(mail, sender.address), ours);
  return {
    state: 'done',
    outcome: 'new-ticket',
    ticketId: opened.ticketId,
    ticketMessageId: opened.messageId,
  };
}

const channelOf = (deps: InboundDeps) => ({
  trx: deps.trx,
  config: deps.config,
  jobs: deps.jobs,
  storage: deps.storage,
});

/**
 * Attachments and inline (`cid:`) images alike become the message's files; a part without a
 * name gets one from its Content-ID or its type. The delivery report parts of a bounce never
 * get here (bounces are handled first).
 */
function filesOf(mail: ParsedMail): UploadedFile[] {
  return mail.attachments.map((a, i) => ({
    filename:
      a.filename?.trim() ||
      (a.cid ? `${a.cid.replace(/[<>]/g, '').split('@')[0]}.${extensionOf(a.contentType)}` : '') ||
      `attachment-${i + 1}.${extensionOf(a.contentType)}`,
    data: a.content,
  }));
}

const extensionOf = (contentType: string) =>
  (/^[a-z]+\/([a-z0-9.+-]+)/i.exec(contentType)?.[1] ?? 'bin').replace(/^.*\+/, '').slice(0, 10);

/** DMARC said the From domain does not send this mail (mailauth's result, when it was checked). */
function failsAuthentication(authentication: unknown): boolean {
  const dmarc = (authentication as { dmarc?: { status?: { result?: string } } } | null)?.dmarc;
  return dmarc?.status?.result === 'fail';
}

function senderOf(mail: ParsedMail): { address: string; name: string } | null {
  const from = mail.from?.value[0];
  const address = from?.address?.trim().toLowerCase();
  if (!address || address.length > 254 || !address.includes('@')) return null;
  return { address, name: oneLine(from?.name ?? '').slice(0, 100) };
}

function addressesOf(field: AddressObject | AddressObject[] | undefined): string[] {
  const objects = Array.isArray(field) ? field : field ? [field] : [];
  return objects
    .flatMap((o) => o.value.flatMap((v) => [v.address, ...(v.group ?? []).map((g) => g.address)]))
    .filter((a): a is string => typeof a === 'string' && a.includes('@') && a.length <= 254)
    .map((a) => a.toLowerCase());
}

const ccOf = (mail: ParsedMail, sender: string) =>
  [...new Set(addressesOf(mail.cc))].filter((a) => a !== sender).slice(0, MAX_PARTICIPANTS);

/** Copied colleagues hear of public replies; never our own addresses (that would be a loop). */
async function addParticipants(trx: Transaction<DB>, ticketId: string, emails: string[], ours: Set<string>) {
  const wanted = emails.filter((e) => !ours.has(e) && !isOurs(e, ours));
  if (wanted.length === 0) return;
  await trx
    .insertInto('ticket_participants')
    .values(wanted.map((email) => ({ ticket_id: ticketId, email, added_by: null })))
    .onConflict((oc) => oc.columns(['ticket_id', 'email']).doNothing())
    .execute();
}

/** A plus address of one of ours (`support+SB-1.tag@`) is ours too. */
const isOurs = (address: string, ours: Set<string>) => ours.has(address.replace(/\+[^@]*@/, '@'));

/**
 * The text the sender wrote: for a reply without the quoted history and signature; for a new
 * ticket all of it (a forwarded mail's quoted part is the question).
 */
function bodyOf(mail: ParsedMail, reply: boolean): string {
  const text = withoutControls(mail.text?.trim() ? mail.text : mail.html ? htmlToSafeText(mail.html) : '');
  const body = (reply ? newReplyText(text) : text).trim() || '(no text)';
  return body.length > MAX_BODY ? `${body.slice(0, MAX_BODY - 1)}…` : body;
}

/** No NUL or other control characters (PostgreSQL refuses NUL in text; the rest only confuses). */
const withoutControls = (text: string) =>
  text.replace(/\p{Cc}/gu, (c) => (c === '\n' || c === '\t' || c === '\r' ? c : ''));
/** One line: a display name or subject with line breaks could start a header of its own elsewhere. */
const oneLine = (text: string) => withoutControls(text.replace(/\s+/g, ' ')).trim();
/** A single well-formed Message-ID (`<id@host>`), as kept for threading; anything else is not kept. */
const WELL_FORMED_ID = /^<[^<>\s]{1,994}>$/;

function subjectOf(mail: ParsedMail): string {
  const subject = oneLine(mail.subject ?? '');
  if (!subject) return '(no subject)';
  return subject.length > 200 ? `${subject.slice(0, 199)}…` : subject;
}

/** The sender's account; a new unverified customer when `create` (they claim it by a mailed link). */
async function senderAccount(
  deps: InboundDeps,
  sender: { address: string; name: string },
  mode: 'create' | 'existing',
): Promise<UserRow | undefined> {
  let user = await findUserByEmail(deps.trx, sender.address);
  if (!user && mode === 'create')
    user =
      (await insertUser(deps.trx, {
        email: sender.address,
        display_name: sender.name || sender.address.split('@')[0]!,
        company: null,
        password_hash: null,
        password_changed_at: null,
      })) ?? (await findUserByEmail(deps.trx, sender.address));
  if (!user || user.status === 'disabled') return undefined;
  return user;
}

async function newTicketsLastHour(trx: Transaction<DB>, sender: string): Promise<number> {
  const row = await trx
    .selectFrom('mail_inbound')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where((eb) => eb(eb.fn('lower', ['sender']), '=', sender))
    .where('outcome', '=', 'new-ticket')
    .where('received_at', '>', new Date(Date.now() - 3_600_000))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * A delivery report for mail we sent: a reply it names shows as undelivered, and the ticket's
 * assignee is told (tickets' reportUndelivered). A report about a notice only counts.
 */
async function markBounced(deps: InboundDeps, originalId: string | null, failed: boolean): Promise<Decision> {
  const sent = originalId
    ? await deps.trx
        .selectFrom('ticket_mail_ids')
        .select(['ticket_id', 'ticket_message_id', 'recipient'])
        .where('message_id', '=', originalId)
        .where('direction', '=', 'out')
        .executeTakeFirst()
    : undefined;
  if (sent?.ticket_message_id && failed)
    await reportUndelivered(channelOf(deps), {
      ticketId: sent.ticket_id,
      ticketMessageId: sent.ticket_message_id,
      recipient: sent.recipient,
    });
  return {
    state: 'done',
    outcome: 'bounce',
    reason: failed ? 'failed' : 'not-failed',
    ...(sent ? { ticketId: sent.ticket_id } : {}),
  };
}

export type { TicketRow };
