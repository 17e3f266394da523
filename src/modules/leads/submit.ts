import type { AuthContext } from '../../identity/context.js';
import { type CheckedContact, type ContactInput, checkContact } from './contact-check.js';
import { auditLead, type LeadDeps } from './context.js';
import { insertLead } from './repo.js';
import { activeHolders, leadSettings } from './settings.js';
import { countSubmission, screenToken, spendToken } from './spam.js';

export interface Submission extends ContactInput {
  /** The hidden field only bots fill in. */
  honeypot: string;
  /** The form's signed fill time (fill-token.ts). */
  token: string;
  /** The page's language, kept with the lead so the team may answer in it. */
  locale: 'en' | 'nl';
}

/**
 * The spam defences, in order, before any transaction (so their counters stand whatever follows):
 * a filled honeypot is answered as if accepted and nothing else happens (the bot learns nothing);
 * then the signed fill time; then the per-IP and per-address counts; then the fields; and last the
 * token is spent, so a person correcting a field keeps their form. Returns the lead to store, or
 * undefined for a bot.
 */
export async function screenSubmission(
  deps: LeadDeps,
  ip: string,
  input: Submission,
): Promise<CheckedContact | undefined> {
  if (input.honeypot.trim() !== '') return undefined;
  const nonce = screenToken(deps.config.SECRET_KEY!, input.token);
  await countSubmission(deps.rateLimiter, ip, input.email);
  const checked = checkContact(input, (await leadSettings(deps.db)).services);
  await spendToken(deps.rateLimiter, nonce);
  return checked;
}

/** Stores the lead and mails the team, in one transaction: a lead is never without its mail. */
export async function storeLead(
  deps: LeadDeps,
  ctx: AuthContext,
  lead: CheckedContact,
  locale: 'en' | 'nl',
): Promise<string> {
  const { id } = await insertLead(ctx.trx, { ...lead, locale, consent_at: new Date() });
  await auditLead(ctx, { type: 'anonymous', id: null }, 'received', id);
  const settings = await leadSettings(ctx.trx);
  const recipients = settings.notifyEmail
    ? [settings.notifyEmail]
    : await activeHolders(ctx.trx, ['leads:manage']);
  const url = `${deps.config.PUBLIC_URL}/admin/leads/${id}`;
  for (const to of recipients) await deps.mail.queue(ctx.trx, to, 'lead-new', { lead, url });
  return id;
}
