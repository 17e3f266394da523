import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import { invalidField } from '../../shared/errors.js';
import type { TicketContext } from './notifications/notify.js';
import { assertVisible, seesAll, type TicketActor } from './policy.js';
import { recordEvent } from './repo/events.js';
import { findTicket } from './repo/tickets.js';
import './table.js';

type Db = Kysely<DB> | Transaction<DB>;

/** A ticket holds this many participants at most (CC'd colleagues and those the team added). */
export const MAX_PARTICIPANTS = 50;
/** One address, plain: no display name, no spaces or line breaks, one `@` with a dotted domain. */
const ADDRESS =
  /^[^\s@<>()",;:\\[\]]{1,64}@[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)+$/;

export interface Participant {
  email: string;
  addedBy: string | null;
  createdAt: Date;
}

/** The people besides the requester who get a ticket's public replies by mail, oldest first. */
export async function listParticipants(db: Db, ticketId: string): Promise<Participant[]> {
  const rows = await db
    .selectFrom('ticket_participants')
    .select(['email', 'added_by', 'created_at'])
    .where('ticket_id', '=', ticketId)
    .orderBy('created_at')
    .orderBy('email')
    .execute();
  return rows.map((r) => ({ email: r.email, addedBy: r.added_by, createdAt: r.created_at }));
}

const refuse = (detail: string, key: string, values?: Record<string, string | number>) =>
  invalidField('/body/email', detail, { key: `tickets:errors.${key}`, ...(values ? { values } : {}) });

/** The address as stored (lower case), or a refusal naming what is wrong with it. */
export function participantAddress(input: string): string {
  const email = input.trim().toLowerCase();
  if (email.length > 254 || !ADDRESS.test(email))
    throw refuse('Give one email address, like name@example.com.', 'participantAddress');
  return email;
}

async function teamTicket(ctx: TicketContext, actor: TicketActor, ticketId: string) {
  const ticket = await findTicket(ctx.trx, ticketId);
  assertVisible(actor, ticket);
  // Customers see their ticket, but who else is copied is the team's decision.
  if (!seesAll(actor)) throw refuse('Only the team changes who is copied on a ticket.', 'participantsTeam');
  return ticket!;
}

/**
 * Copies someone on a ticket: they get its public replies by mail and may answer them (their
 * mail is taken as coming from someone on the ticket). The requester is on it already.
 */
export async function addParticipant(
  ctx: TicketContext,
  actor: TicketActor,
  ticketId: string,
  input: string,
): Promise<Participant> {
  const ticket = await teamTicket(ctx, actor, ticketId);
  const email = participantAddress(input);
  const requester = await ctx.trx
    .selectFrom('users')
    .select('email')
    .where('id', '=', ticket.requester_id)
    .executeTakeFirst();
  if (requester?.email.toLowerCase() === email)
    throw refuse('The requester gets every public reply already.', 'participantRequester');
  // Locks the ticket's participants so two additions cannot both pass the count.
  const current = await ctx.trx
    .selectFrom('ticket_participants')
    .select('email')
    .where('ticket_id', '=', ticketId)
    .forUpdate()
    .execute();
  if (current.some((p) => p.email === email))
    throw refuse(`${email} is copied on this ticket already.`, 'participantTwice', { email });
  if (current.length >= MAX_PARTICIPANTS)
    throw refuse(`A ticket copies at most ${MAX_PARTICIPANTS} people.`, 'participantsMany', {
      max: MAX_PARTICIPANTS,
    });
  const row = await ctx.trx
    .insertInto('ticket_participants')
    .values({ ticket_id: ticketId, email, added_by: actor.userId })
    .returning(['email', 'added_by', 'created_at'])
    .executeTakeFirstOrThrow();
  await recordEvent(ctx.trx, ticketId, actor.userId, 'participant_added', null, email);
  ctx.changed.add(ticketId);
  return { email: row.email, addedBy: row.added_by, createdAt: row.created_at };
}

/** Stops copying someone on a ticket. Removing someone not on it is refused, so typos show. */
export async function removeParticipant(
  ctx: TicketContext,
  actor: TicketActor,
  ticketId: string,
  input: string,
): Promise<void> {
  await teamTicket(ctx, actor, ticketId);
  const email = input.trim().toLowerCase();
  const gone = await ctx.trx
    .deleteFrom('ticket_participants')
    .where('ticket_id', '=', ticketId)
    .where('email', '=', email)
    .executeTakeFirst();
  if (Number(gone.numDeletedRows) === 0)
    throw refuse(`${email} is not copied on this ticket.`, 'participantMissing', { email });
  await recordEvent(ctx.trx, ticketId, actor.userId, 'participant_removed', email, null);
  ctx.changed.add(ticketId);
}
