import type { AuthContext } from '../../identity/context.js';
import { findUserByEmail, insertUser } from '../../identity/users/repo.js';
import { conflict, notFound, refusal } from '../../shared/errors.js';
import { openFromChannel, ticketById, ticketKey } from '../tickets/index.js';
import { auditLead, type LeadActor, type LeadDeps } from './context.js';
import { type LeadRow, lockLead, updateLead } from './repo.js';

export interface Conversion {
  customerId: string;
  ticketId: string;
  ticketKey: string;
  /** Whether the account was made now (pending, unverified) or was already there for the address. */
  newAccount: boolean;
}

/** The first ticket's subject: what the lead asked about, and who asked. */
const subjectOf = (lead: LeadRow) =>
  `${lead.service ?? 'Contact form'}: ${lead.company ? `${lead.name} (${lead.company})` : lead.name}`.slice(
    0,
    200,
  );

/** The lead's own words, then what else the form said, so the ticket stands on its own. */
const bodyOf = (lead: LeadRow) =>
  [
    lead.message,
    '',
    ...[lead.phone && `Phone: ${lead.phone}`, lead.company && `Company: ${lead.company}`].filter(Boolean),
  ]
    .join('\n')
    .trim();

/**
 * Turns a lead into a customer with a first ticket, in the caller's transaction (all or nothing):
 * the account for the lead's address if there is one, else a new pending account (no password,
 * unverified: the person claims it by signing up or a magic link, proving the address). The lead
 * then names both. A lead converts once; a disabled account is refused, not reopened.
 */
export async function convertLead(
  deps: LeadDeps,
  ctx: AuthContext,
  actor: LeadActor,
  id: string,
): Promise<Conversion> {
  const lead = await lockLead(ctx.trx, id);
  if (!lead) throw notFound('No lead with this id.');
  if (lead.converted_at)
    throw refusal('conflict', 'This lead was converted already.', { key: 'leads:errors.converted' });
  const inserted = await insertUser(ctx.trx, {
    email: lead.email,
    display_name: lead.name,
    company: lead.company,
    locale: lead.locale,
    password_hash: null,
    password_changed_at: null,
  });
  const customer = inserted ?? (await findUserByEmail(ctx.trx, lead.email));
  if (!customer) throw conflict('The account for this address changed; try again.');
  if (customer.status === 'disabled')
    throw refusal('conflict', 'The account for this address is disabled.', { key: 'leads:errors.disabled' });
  const channel = { trx: ctx.trx, config: deps.config, jobs: deps.jobs, storage: deps.storage };
  const opened = await openFromChannel(channel, {
    requesterId: customer.id,
    subject: subjectOf(lead),
    body: bodyOf(lead),
    channel: 'web',
    categoryId: null,
  });
  const ticket = await ticketById(ctx.trx, opened.ticketId);
  await updateLead(ctx.trx, id, {
    customer_id: customer.id,
    ticket_id: opened.ticketId,
    converted_at: new Date(),
  });
  await auditLead(ctx, actor, 'converted', id, {
    customerId: customer.id,
    ticketId: opened.ticketId,
    newAccount: inserted !== undefined,
  });
  return {
    customerId: customer.id,
    ticketId: opened.ticketId,
    ticketKey: ticketKey(ticket!.number),
    newAccount: inserted !== undefined,
  };
}
