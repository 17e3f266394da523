import type { Transaction } from 'kysely';
import { link } from '../../../../identity/context.js';
import { findUserByEmail, findUserById, insertUser, type UserRow } from '../../../../identity/users/repo.js';
import type { DB } from '../../../../platform/db/schema.js';
import { translator } from '../../../../platform/i18n/catalog.js';
import { pickLocale } from '../../../../platform/i18n/locales.js';
import { AppError } from '../../../../shared/errors.js';
import { claimPendingAccount, consumeToken, issueToken, LIMITS, limit } from '../../../auth/index.js';
import type { TicketContext, TicketDeps } from '../../context.js';
import { renderMarkdown } from '../../markdown.js';
import { ticketKey } from '../../schemas.js';
import { openTicket } from '../../service.js';

export interface HelpRequest {
  name: string;
  email: string;
  subject: string;
  body: string;
  categoryId: string | null;
  /** The page's language: the receipt's, until the person picks one in their profile. */
  locale: string;
  /** The search configuration of new tickets (SEARCH_LANGUAGE). */
  language: string;
}

/** What the page says is wrong; the words are the caller's (message keys under `tickets:help.errors`). */
export type HelpField = 'name' | 'email' | 'subject' | 'body';

// The practical subset of RFC 5321 addresses a mailbox can have; the mail itself is the real check.
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]{2,}$/;
const MAX_NAME = 100;
/** A prefilled form's question is cut to keep the mailed link short enough for every mail client. */
const PREFILL_BODY = 1500;

/** Counted before anything else and outside the transaction: a refused request still counts. */
export async function limitHelp(deps: TicketDeps, ip: string, email: string): Promise<void> {
  await limit(deps, `help:ip:${ip}`, LIMITS.signupPerIp);
  await limit(deps, `help:email:${email.trim().toLowerCase()}`, LIMITS.emailLinksPerAddress);
}

/** Every field the page must point at, at once (the service names them; the page words them). */
export function checkHelp(input: HelpRequest): void {
  const name = input.name.trim();
  const subject = input.subject.trim();
  const body = input.body.trim();
  const wrong: HelpField[] = [];
  if (!name || name.length > MAX_NAME) wrong.push('name');
  if (input.email.length > 254 || !EMAIL.test(input.email.trim())) wrong.push('email');
  // The ticket's own checks, made here too: an address with an account must be refused alike.
  if (!subject || subject.length > 200) wrong.push('subject');
  if (!body || body.length > 50_000) wrong.push('body');
  if (wrong.length > 0)
    throw new AppError('validation_failed', wrong[0], {
      errors: wrong.map((field) => ({ pointer: `/body/${field}`, detail: field })),
    });
}

/**
 * Someone without a session asks for help. Whatever the address, the page answers the same, so
 * nobody learns whether it has an account:
 * - no account yet: a pending account (no password) and the ticket; the receipt carries a
 *   confirmation link that proves the address, claims the account and opens the ticket;
 * - a pending account (unproven sign-up, or an earlier question): the ticket joins it, with a fresh
 *   link; whoever proves the address claims it, and nothing set up before survives that
 *   (`claimPendingAccount`, pre-hijacked accounts);
 * - an active account: nothing is attached to it on the word of an unproven visitor. The owner is
 *   mailed the question with a link to the (signed-in) form, prefilled; sending it is theirs to do;
 * - a disabled account: nothing happens.
 * Returns the pending account's id for the same-browser proof cookie, unless it has a password:
 * whoever signed it up may have chosen that, and the proof would let a confirmation link opened
 * here keep it (`verifyEmail`). Without a password the proof only lets this browser be signed in
 * by the mailed link, which only the mailbox has.
 */
export async function askForHelp(
  deps: TicketDeps,
  ctx: TicketContext,
  input: HelpRequest,
): Promise<string | undefined> {
  checkHelp(input);
  const name = input.name.trim();
  const inserted = await insertUser(ctx.trx, {
    email: input.email.trim(),
    display_name: name,
    company: null,
    password_hash: null,
    password_changed_at: null,
  });
  const user = inserted ?? (await findUserByEmail(ctx.trx, input.email.trim()));
  if (!user || user.status === 'disabled') return undefined;
  if (user.status === 'active') {
    await mailOwner(deps, ctx.trx, user, input);
    return undefined;
  }
  const ticket = await openTicket(
    ctx,
    { userId: user.id, permissions: new Set(['tickets:create']) },
    {
      subject: input.subject,
      body: input.body,
      categoryId: input.categoryId,
      priority: 'normal',
      channel: 'web',
      language: input.language,
    },
  );
  const key = ticketKey(ticket.number);
  const token = await issueToken(ctx.trx, user.id, 'verify_email');
  const confirmUrl = `${link(deps.config, '/help/confirm', token)}&ticket=${key}`;
  const to = reader(user, input.locale);
  const t = translator(pickLocale(to.locale));
  await deps.mail.queue(ctx.trx, to, 'ticket-update', {
    name: user.display_name,
    notice: {
      key,
      subject: ticket.subject,
      label: t('tickets:notifications.ticket_created.label'),
      headline: t('tickets:notifications.ticket_created.own'),
      body: input.body.trim(),
      bodyHtml: renderMarkdown(input.body.trim()),
      at: ticket.created_at,
      url: `${deps.config.PUBLIC_URL}/tickets/${key}`,
      confirmUrl,
    },
  });
  return user.password_hash === null ? user.id : undefined;
}

/** The mail follows the person's language when they chose one, else the page's they asked on. */
const reader = (user: UserRow, locale: string) => ({
  email: user.email,
  locale: user.locale ?? locale,
  time_zone: user.time_zone,
});

async function mailOwner(deps: TicketDeps, trx: Transaction<DB>, user: UserRow, input: HelpRequest) {
  const prefill = new URLSearchParams({
    subject: input.subject.trim().slice(0, 200),
    body: input.body.trim().slice(0, PREFILL_BODY),
    ...(input.categoryId ? { categoryId: input.categoryId } : {}),
  });
  await deps.mail.queue(trx, reader(user, input.locale), 'ticket-help', {
    name: user.display_name,
    subject: input.subject.trim(),
    body: input.body.trim(),
    url: `${deps.config.PUBLIC_URL}/tickets/new?${prefill}`,
  });
}

/**
 * The receipt's link was followed: the address is proven. A pending account becomes its owner's,
 * without anything set up before the proof (a password chosen at a sign-up is dropped:
 * `claimPendingAccount`). Answers the account only when this link was what proved it; a used,
 * expired or unknown link, a disabled account, or one already confirmed answer undefined.
 */
export async function confirmHelp(
  deps: TicketDeps,
  ctx: TicketContext,
  token: string,
): Promise<UserRow | undefined> {
  const userId = await consumeToken(ctx.trx, token, 'verify_email');
  const user = userId ? await findUserById(ctx.trx, userId) : undefined;
  if (user?.status !== 'pending_verification') return undefined;
  const claimed = await claimPendingAccount(deps.sessions, ctx, user, { drop: true }, 'verification');
  return claimed.user;
}
