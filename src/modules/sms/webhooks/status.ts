import { sql } from 'kysely';
import type { Platform } from '../../../platform/runtime.js';
import { alertBudgets } from '../budgets/alerts.js';

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

const PRICE = /^-?\d{1,7}(\.\d{1,6})?$/;
const UNIT = /^[A-Z]{3}$/;

/**
 * Applies a status callback to the message it names; false when no such message is ours. The
 * status only moves forward; a price (Twilio's is negative: money spent), its currency and the
 * segments count are kept whenever a callback carries them, late or not. A price, once committed,
 * may bring a budget to an alert.
 */
export async function applyStatus(platform: Platform, params: Record<string, string>): Promise<boolean> {
  const sid = params.MessageSid ?? params.SmsSid ?? '';
  const status = (params.MessageStatus ?? params.SmsStatus ?? '').toLowerCase();
  const rank = STATUS_RANK[status];
  if (!sid || rank === undefined) return false;
  const errorCode = Number.parseInt(params.ErrorCode ?? '', 10);
  const price = PRICE.test(params.Price ?? '') ? Math.abs(Number(params.Price)).toFixed(5) : null;
  const unit = UNIT.test(params.PriceUnit ?? '') ? params.PriceUnit! : null;
  const segments = Number.parseInt(params.NumSegments ?? '', 10);
  // The ranks are this file's constants, written into the statement as literals.
  const rankOf = sql.join(
    Object.entries(STATUS_RANK).map(([s, r]) => sql`when ${sql.lit(s)} then ${sql.lit(r)}`),
    sql` `,
  );
  const forward = sql<boolean>`(case sms_messages.status ${rankOf} else 0 end) < ${sql.lit(rank)}`;
  const known = await platform.database.system
    .updateTable('sms_messages')
    .set({
      status: sql`case when ${forward} then ${status} else status end`,
      error_code: Number.isFinite(errorCode)
        ? sql`case when ${forward} then ${errorCode}::int else error_code end`
        : sql`error_code`,
      price: price === null ? sql`price` : sql`${price}::numeric`,
      price_unit: unit === null ? sql`price_unit` : unit,
      segments: segments >= 1 && segments <= 100 ? segments : sql`segments`,
    })
    .where('message_sid', '=', sid)
    .returning(['id', 'direction', 'sent_by', 'created_at'])
    .executeTakeFirst();
  if (known && price !== null && known.direction === 'out')
    await alertBudgets(platform.database.system, platform, {
      sentBy: known.sent_by,
      createdAt: known.created_at,
    });
  return known !== undefined;
}
