import type { Platform } from '../../../platform/runtime.js';
import { E164 } from '../../../platform/sms/port.js';
import { heldNumber } from '../numbers/repo.js';
import type { SmsMedia } from '../table.js';
import type { WebhookOutcome } from '../webhooks/counts.js';
import { smsInboundJob } from './job.js';

const MESSAGE_SID = /^(SM|MM)[0-9a-f]{32}$/;
/** Twilio puts at most 10 media on one MMS. */
const MAX_MEDIA = 10;
/** Twilio's own limit on a text's body (error 21617). */
const MAX_BODY = 1600;

export type Stored = { stored: string } | { ignored: WebhookOutcome };

/**
 * A text Twilio delivered (its webhook's fields, signature already checked), stored with its
 * routing job in one transaction before the webhook answers, so an answer means it is kept. The
 * MessageSid is unique: the same text delivered twice (Twilio retries when an answer is slow) is
 * one message. A text to a number we do not hold (released, or never ours) is not stored.
 */
export async function storeInboundText(platform: Platform, params: Record<string, string>): Promise<Stored> {
  const sid = params.MessageSid ?? params.SmsMessageSid ?? '';
  const from = params.From ?? '';
  const to = params.To ?? '';
  if (!MESSAGE_SID.test(sid) || !E164.test(from) || !E164.test(to)) return { ignored: 'malformed' };
  const number = await heldNumber(platform.database.system, to);
  if (!number) return { ignored: 'not-our-number' };
  const media: SmsMedia[] = [];
  const count = Math.min(Number.parseInt(params.NumMedia ?? '0', 10) || 0, MAX_MEDIA);
  for (let i = 0; i < count; i++) {
    const url = params[`MediaUrl${i}`];
    if (url)
      media.push({
        url: url.slice(0, 2000),
        contentType: (params[`MediaContentType${i}`] ?? '').slice(0, 100),
      });
  }
  return platform.database.system.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('sms_messages')
      .values({
        message_sid: sid,
        direction: 'in',
        number_id: number.id,
        phone: from,
        body: (params.Body ?? '').replaceAll('\0', '').slice(0, MAX_BODY),
        media: JSON.stringify(media),
        status: 'received',
      })
      .onConflict((oc) => oc.column('message_sid').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!row) return { ignored: 'duplicate' as const };
    await platform.jobs.enqueue({ trx }, smsInboundJob(platform.config), { id: row.id });
    return { stored: row.id };
  });
}
