import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Mailer, OutgoingMail } from './port.js';
import './table.js';

/**
 * The development mailer: mail is stored, not sent, and read in the admin outbox, so a newcomer
 * can follow a sign-in link without any mail server. Written in the job's transaction: a mail
 * lands exactly once however often the job is retried.
 */
export class OutboxMailer implements Mailer {
  async send(mail: OutgoingMail, trx: Transaction<DB>): Promise<{ providerId: string }> {
    const row = await trx
      .insertInto('outbox_messages')
      .values({
        channel: 'email',
        recipient: mail.to,
        subject: mail.subject,
        body_text: mail.text,
        body_html: mail.html,
        // What a mail client would thread and answer by, so the outbox shows it and tests read it.
        headers: JSON.stringify({
          ...mail.headers,
          ...(mail.messageId ? { 'Message-ID': mail.messageId } : {}),
          ...(mail.replyTo ? { 'Reply-To': mail.replyTo } : {}),
          // The files are not kept here; their names, types and sizes show what was sent.
          ...(mail.attachments?.length
            ? {
                'X-Attachments': mail.attachments
                  .map((a) => `${a.filename} (${a.contentType}, ${a.content.length} bytes)`)
                  .join('; '),
              }
            : {}),
        }),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { providerId: row.id };
  }
}
