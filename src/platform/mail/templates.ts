import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';

const DIR = fileURLToPath(new URL('../../web/views/mail/', import.meta.url));
// Autoescape on for both parts; the text part marks its values `| safe` where escaping would show.
const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(DIR), { autoescape: true });

const SUBJECTS = {
  'verify-email': 'Confirm your email address',
  'magic-link': 'Your sign-in link',
  'password-reset': 'Reset your password',
  'security-notice': 'Security notice for your account',
} as const;

export type MailTemplate = keyof typeof SUBJECTS;
export const MAIL_TEMPLATES = Object.keys(SUBJECTS) as MailTemplate[];

/** Renders a mail's subject, HTML and plain-text parts from `web/views/mail/<name>.{html,txt}.njk`. */
export function renderMail(
  template: MailTemplate,
  data: Record<string, unknown>,
): { subject: string; html: string; text: string } {
  const context = { ...data, subject: SUBJECTS[template] };
  return {
    subject: SUBJECTS[template],
    html: env.render(`${template}.html.njk`, context),
    text: env.render(`${template}.txt.njk`, context).trim(),
  };
}
