import { fileURLToPath } from 'node:url';
import type { TFunction } from 'i18next';
import nunjucks from 'nunjucks';
import { translator } from '../i18n/catalog.js';
import { type DateStyle, formatDate, isTimeZone } from '../i18n/format.js';
import { pickLocale } from '../i18n/locales.js';

// The .njk files live with the other views, which the build copies to dist/web/views.
const DIR = fileURLToPath(new URL('../../web/views/mail/', import.meta.url));
// Autoescape on for both parts; the text part marks its values `| safe` where escaping would show.
const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(DIR), { autoescape: true });

interface Link {
  name: string;
  /** Absolute, built by the caller from PUBLIC_URL: templates never invent addresses. */
  url: string;
}

/** What each template needs; the compiler checks every caller against it. */
export interface MailData {
  'verify-email': Link;
  'magic-link': Link;
  'password-reset': Link;
  /** An administrator invited someone; `site` is the instance's public address. */
  invitation: Link & { inviter: string; site: string };
  /** A generic "a security setting changed" notice: one headline, then one line per detail. */
  'security-notice': { name: string; headline: string; details: string[] };
  /** One thing happened on a ticket. */
  'ticket-update': { name: string; notice: TicketNotice };
  /** Several things happened (on one or more tickets) since the last mail: one digest. */
  'ticket-digest': { name: string; notices: TicketNotice[] };
  /**
   * The team's public reply on a ticket, mailed as the conversation itself: the reply first, who
   * wrote it, the files sent along, and (for someone with an account) a link to the ticket.
   */
  'ticket-reply': {
    key: string;
    subject: string;
    author: string;
    body: string;
    bodyHtml: string;
    files: string[];
    url: string | null;
  };
  /** Someone asked for help with the address of an existing account: sign in to send it. */
  'ticket-help': { name: string; subject: string; body: string; url: string };
  /** The contact form made a lead: what the visitor wrote, for the team, with a link to the lead. */
  'lead-new': {
    lead: {
      name: string;
      email: string;
      phone: string | null;
      company: string | null;
      service: string | null;
      message: string;
    };
    url: string;
  };
  /**
   * An SMS budget reached 80 % or 100 % this month. `scope` is the person's name, null for the
   * team's budget; `headline` and `details` arrive in the reader's language (as a security notice's).
   */
  'sms-budget': { name: string; percent: number; scope: string | null; headline: string; details: string[] };
}

/** One event on a ticket, as a notification mail tells it (plain text; the templates escape it). */
export interface TicketNotice {
  /** `SB-10423` */
  key: string;
  subject: string;
  /** Short: `New reply`, `Now Resolved`. */
  label: string;
  /** A sentence: who did what. */
  headline: string;
  /** The reply's text, when there is one. */
  body: string | null;
  /** The reply as sanitised HTML (Markdown rendered), for the HTML part. */
  bodyHtml?: string | null;
  /** When it happened (shown in the reader's zone). */
  at?: Date | string;
  url: string;
  /** A receipt to someone without a confirmed account: the link that confirms it and opens the ticket. */
  confirmUrl?: string;
}

/**
 * Each mail's subject, in the reader's language: a message key under `mail:subjects` (the mail
 * namespace, src/web/messages/mail.<locale>.json), or a function of the data for the ticket mails.
 */
const SUBJECTS: { [T in MailTemplate]: (data: MailData[T], t: TFunction) => string } = {
  'verify-email': (_, t) => t('mail:subjects.verifyEmail'),
  'magic-link': (_, t) => t('mail:subjects.magicLink'),
  'password-reset': (_, t) => t('mail:subjects.passwordReset'),
  invitation: (_, t) => t('mail:subjects.invitation'),
  'security-notice': (_, t) => t('mail:subjects.securityNotice'),
  'ticket-update': ({ notice }, t) =>
    t('mail:subjects.ticketUpdate', { key: notice.key, label: notice.label, subject: notice.subject }),
  'ticket-digest': ({ notices }, t) =>
    t('tickets:mail.subjects.digest', {
      count: notices.length,
      keys: [...new Set(notices.map((n) => n.key))].join(', '),
    }),
  'ticket-reply': ({ key, subject }, t) => t('tickets:mail.subjects.reply', { key, subject }),
  'ticket-help': ({ subject }, t) => t('tickets:mail.subjects.help', { subject }),
  'lead-new': ({ lead }, t) =>
    t('leads:mail.subject', { name: lead.name, company: lead.company ?? lead.email }),
  'sms-budget': ({ percent, scope }, t) =>
    t('sms:budgets.mail.subject', { percent, scope: scope ?? t('sms:budgets.team') }),
};

/** Templates that are laid out as another: a headline and its lines need no view of their own. */
const VIEWS: Partial<Record<MailTemplate, MailTemplate>> = { 'sms-budget': 'security-notice' };

export type MailTemplate = keyof MailData;
export const MAIL_TEMPLATES = Object.keys(SUBJECTS) as MailTemplate[];

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

/** Whose mail it is: their language and time zone (null: not chosen, so English and UTC). */
export interface MailReader {
  locale?: string | null;
  timeZone?: string | null;
}

/**
 * Renders a mail's subject, HTML and plain-text parts from `web/views/mail/<name>.{html,txt}.njk`,
 * in the reader's language and with times in their zone: templates get `t`, `lang`, `date()`.
 */
export function renderMail<T extends MailTemplate>(
  template: T,
  data: MailData[T],
  reader: MailReader = {},
): RenderedMail {
  const lang = pickLocale(reader.locale);
  const timeZone = isTimeZone(reader.timeZone) ? reader.timeZone : 'UTC';
  const t = translator(lang);
  const subject = (SUBJECTS[template] as (data: MailData[T], t: TFunction) => string)(data, t);
  const context = {
    ...data,
    subject,
    t,
    lang,
    date: (value: Date | string | number, style?: DateStyle) => formatDate(value, lang, timeZone, style),
  };
  return {
    subject,
    html: env.render(`${VIEWS[template] ?? template}.html.njk`, context).trim(),
    text: env.render(`${VIEWS[template] ?? template}.txt.njk`, context).trim(),
  };
}
