import type { Platform } from '../../../platform/runtime.js';
import type { MailSource } from '../table.js';
import { countMailIn } from './counters.js';
import { inboundMailJobFor } from './job.js';
import { rawMessageId } from './raw-headers.js';

export interface ArrivingMail {
  raw: Buffer;
  source: MailSource;
  envelopeFrom?: string | null;
  envelopeTo?: readonly string[];
  remoteIp?: string | null;
  /** What the receiving side found out about the sender (mailauth's result), when it checked. */
  authentication?: object | null;
}

export type Accepted = { id: string; duplicate: false } | { id: string | null; duplicate: true };

/**
 * Takes a mail in: the raw bytes and the job that turns them into a ticket or a reply are
 * committed together, and only then does the caller answer "accepted" (SMTP 250, the forwarding
 * endpoint's 202, moving the IMAP message to its done folder). A crash after this loses nothing;
 * a crash before it leaves the sender to retry. The same Message-ID taken again (a re-poll, a
 * retried webhook, the same mail by two paths) is recognised and stored once.
 */
export async function acceptMail(platform: Platform, mail: ArrivingMail): Promise<Accepted> {
  const messageId = rawMessageId(mail.raw);
  const accepted = await platform.database.system.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('mail_inbound')
      .values({
        message_id: messageId,
        source: mail.source,
        envelope_from: mail.envelopeFrom ?? null,
        envelope_to: [...(mail.envelopeTo ?? [])].map((a) => a.toLowerCase()),
        remote_ip: mail.remoteIp ?? null,
        authentication: mail.authentication ? JSON.stringify(mail.authentication) : null,
        raw: mail.raw,
        size: mail.raw.length,
      })
      .onConflict((oc) => oc.column('message_id').where('message_id', 'is not', null).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!row) {
      const first = await trx
        .selectFrom('mail_inbound')
        .select('id')
        .where('message_id', '=', messageId)
        .executeTakeFirst();
      return { id: first?.id ?? null, duplicate: true as const };
    }
    await platform.jobs.enqueue({ trx }, inboundMailJobFor(platform.config), { id: row.id });
    return { id: row.id, duplicate: false as const };
  });
  if (accepted.duplicate) await countMailIn(platform, 'duplicate');
  return accepted;
}
