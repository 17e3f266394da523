import type { Transporter } from 'nodemailer';
import type { Mailer, OutgoingMail } from './port.js';

/**
 * Delivery through any SMTP server (SMTP_URL, e.g. `smtps://user:pass@mail.example.com:465`).
 * The Message-ID is derived from the idempotency key, so a retried send carries the same id and
 * receiving systems can recognise the duplicate.
 */
export class SmtpMailer implements Mailer {
  /** nodemailer is loaded with the first mail, not at start (bench/README.md). */
  private transport: Promise<Transporter> | undefined;

  constructor(private readonly url: string) {}

  async send(mail: OutgoingMail): Promise<{ providerId: string }> {
    const domain = /@([^>\s]+)>?$/.exec(mail.from)?.[1] ?? 'switchboard.invalid';
    this.transport ??= import('nodemailer').then((nodemailer) =>
      nodemailer.default.createTransport(this.url),
    );
    const info = await (await this.transport).sendMail({
      from: mail.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      ...(mail.replyTo ? { replyTo: mail.replyTo } : {}),
      ...(mail.headers ? { headers: mail.headers } : {}),
      messageId: mail.messageId ?? `<${mail.idempotencyKey}@${domain}>`,
      ...(mail.attachments?.length
        ? {
            attachments: mail.attachments.map((a) => ({
              filename: a.filename,
              contentType: a.contentType,
              content: a.content,
            })),
          }
        : {}),
    });
    return { providerId: info.messageId };
  }
}
