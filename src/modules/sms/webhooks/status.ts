import { sql } from 'kysely';
import type { Platform } from '../../../platform/runtime.js';

/**
 * A text's delivery, in the order it can only go forward: a report that arrives late (Twilio
 * does not promise order) or twice never moves a message back ("sent" after "delivered").
 */
export const STATUS_RANK: Record<string, number> = {
  accepted: 1,
  scheduled: 1,
  queued: 2,
  sending: 3,
  sent: 4,
  received: 4,
  receiving: 3,
  delivered: 5,
  undelivered: 5,
  failed: 5,
  read: 6,
  canceled: 5,
};

/** Applies a status callback to the message it names; false when no such message is ours. */
export async function applyStatus(platform: Platform, params: Record<string, string>): Promise<boolean> {
  const sid = params.MessageSid ?? params.SmsSid ?? '';
  const status = (params.MessageStatus ?? params.SmsStatus ?? '').toLowerCase();
  const rank = STATUS_RANK[status];
  if (!sid || rank === undefined) return false;
  const errorCode = Number.parseInt(params.ErrorCode ?? '', 10);
  // The ranks are this file's constants, written into the statement as literals.
  const rankOf = sql.join(
    Object.entries(STATUS_RANK).map(([s, r]) => sql`when ${sql.lit(s)} then ${sql.lit(r)}`),
    sql` `,
  );
  const known = await platform.database.system
    .updateTable('sms_messages')
    .set({ status, ...(Number.isFinite(errorCode) ? { error_code: errorCode } : {}) })
    .where('message_sid', '=', sid)
    .where(sql<boolean>`(case sms_messages.status ${rankOf} else 0 end) < ${sql.lit(rank)}`)
    .executeTakeFirst();
  if (Number(known.numUpdatedRows) > 0) return true;
  const exists = await platform.database.system
    .selectFrom('sms_messages')
    .select('id')
    .where('message_sid', '=', sid)
    .executeTakeFirst();
  return exists !== undefined;
}
