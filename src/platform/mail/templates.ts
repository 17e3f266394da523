import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';

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
  url: string;
}

const SUBJECTS: { [T in MailTemplate]: string | ((data: MailData[T]) => string) } = {
  'verify-email': 'Confirm your email address',
  'magic-link': 'Your sign-in link',
  'password-reset': 'Reset your password',
  invitation: 'You are invited to Switchboard',
  'security-notice': 'Security notice for your account',
  'ticket-update': ({ notice }) => `[${notice.key}] ${notice.label}: ${notice.subject}`,
  'ticket-digest': ({ notices }) => `${notices.length} updates on your tickets`,
};

export type MailTemplate = keyof MailData;
export const MAIL_TEMPLATES = Object.keys(SUBJECTS) as MailTemplate[];

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

/** Renders a mail's subject, HTML and plain-text parts from `web/views/mail/<name>.{html,txt}.njk`. */
export function renderMail<T extends MailTemplate>(template: T, data: MailData[T]): RenderedMail {
  const title = SUBJECTS[template] as string | ((data: MailData[T]) => string);
  const subject = typeof title === 'function' ? title(data) : title;
  const context = { ...data, subject };
  return {
    subject,
    html: env.render(`${template}.html.njk`, context),
    text: env.render(`${template}.txt.njk`, context).trim(),
  };
}
