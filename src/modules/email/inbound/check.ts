import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { ParsedMail } from 'mailparser';
import type { Config } from '../../../config.js';
import type { DB } from '../../../platform/db/schema.js';
import { deriveKey } from '../../../platform/secrets/derive-key.js';
import '../settings/table.js';

/** The header a test mail carries: `<check id>.<HMAC-SHA256 of the id under SECRET_KEY>`. */
export const CHECK_HEADER = 'X-Switchboard-Check';
/** A test mail back later than this marks nothing: a late copy is not a working channel. */
export const CHECK_VALID_SECONDS = 3600;
/** What becomes of a test mail that came back: dropped, no ticket, counted as a check. */
export const CHECK_DROPPED = { state: 'discarded', outcome: 'check' } as const;

const PURPOSE = 'email-check:v1';
const TAG = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([0-9a-f]{64})$/;

const macOf = (id: string, secretKey: string) =>
  createHmac('sha256', deriveKey(secretKey, PURPOSE)).update(id).digest('hex');

export const checkTag = (id: string, secretKey: string): string => `${id}.${macOf(id, secretKey)}`;

/** The check id a tag names when the tag is ours (compared in constant time), else null. */
export function checkIdOf(tag: string, secretKey: string): string | null {
  const match = TAG.exec(tag.trim().toLowerCase());
  if (!match) return null;
  const [, id, mac] = match as unknown as [string, string, string];
  const expected = Buffer.from(macOf(id, secretKey));
  return timingSafeEqual(expected, Buffer.from(mac)) ? id : null;
}

/**
 * Whether this mail is one of our test mails coming back, and if so marks its check as received
 * (when and by which path the mail was taken in). Only a genuine tag of a check sent within the
 * hour and not back yet counts; anything else (forged, stale, a second copy) is ordinary mail to
 * the pipeline, where its Auto-Submitted header gets it dropped as automatic mail.
 */
export async function isReturnedCheck(
  deps: { trx: Transaction<DB>; config: Config },
  mail: ParsedMail,
): Promise<boolean> {
  const header = mail.headers.get(CHECK_HEADER.toLowerCase());
  const tag = Array.isArray(header) ? header[0] : header;
  if (typeof tag !== 'string' || !deps.config.SECRET_KEY) return false;
  const id = checkIdOf(tag, deps.config.SECRET_KEY);
  if (!id) return false;
  const messageId = mail.messageId ? `<${mail.messageId.replace(/^<|>$/g, '')}>` : null;
  const taken = messageId
    ? await deps.trx
        .selectFrom('mail_inbound')
        .select(['source', 'received_at'])
        .where('message_id', '=', messageId)
        .executeTakeFirst()
    : undefined;
  const marked = await deps.trx
    .updateTable('mail_checks')
    .set({ received_at: taken?.received_at ?? new Date(), source: taken?.source ?? null })
    .where('id', '=', id)
    .where('received_at', 'is', null)
    .where('sent_at', '>', new Date(Date.now() - CHECK_VALID_SECONDS * 1000))
    .executeTakeFirst();
  return marked.numUpdatedRows > 0n;
}
