import { type Kysely, sql } from 'kysely';
import type { DB } from '../../../platform/db/schema.js';
import '../table.js';

/** One calendar month in UTC: `[from, to)`. */
export interface Month {
  label: string;
  from: Date;
  to: Date;
}

export function monthOf(label: string | undefined, now = new Date()): Month | null {
  const value = label ?? now.toISOString().slice(0, 7);
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(value);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]) - 1;
  return {
    label: value,
    from: new Date(Date.UTC(year, month, 1)),
    to: new Date(Date.UTC(year, month + 1, 1)),
  };
}

export interface UsageRow {
  key: string;
  name: string;
  texts: number;
  segments: number;
  /** Texts' prices plus, for numbers and their owners, the numbers' monthly fees; 5 decimals. */
  cost: string;
}

const texts = (db: Kysely<DB>, month: Month) =>
  db
    .selectFrom('sms_messages')
    .where('direction', '=', 'out')
    .where('created_at', '>=', month.from)
    .where('created_at', '<', month.to);

/** Numbers held during the month, with their monthly fee. */
const heldIn = (db: Kysely<DB>, month: Month) =>
  db
    .selectFrom('sms_numbers')
    .where('created_at', '<', month.to)
    .where((eb) => eb.or([eb('released_at', 'is', null), eb('released_at', '>=', month.from)]));

/**
 * A month's texts out and what they cost, per number (its fee included) and per user (the texts
 * sent for them and the fees of the numbers they own). Twilio bills an account in one currency,
 * so amounts add up as they are.
 */
export async function usageByNumber(db: Kysely<DB>, month: Month): Promise<UsageRow[]> {
  const sent = texts(db, month)
    .select((eb) => [
      'number_id',
      eb.fn.countAll<number>().as('texts'),
      eb.fn.coalesce(eb.fn.sum<number>('segments'), sql<number>`0`).as('segments'),
      eb.fn.coalesce(eb.fn.sum<string>('price'), sql<string>`0`).as('price'),
    ])
    .groupBy('number_id');
  const rows = await heldIn(db, month)
    .leftJoin(sent.as('sent'), 'sent.number_id', 'sms_numbers.id')
    .select([
      'sms_numbers.id as key',
      'sms_numbers.e164 as name',
      sql<number>`coalesce(sent.texts, 0)`.as('texts'),
      sql<number>`coalesce(sent.segments, 0)`.as('segments'),
      sql<string>`(coalesce(sent.price, 0) + coalesce(sms_numbers.monthly_price, 0))::numeric(14, 5)`.as(
        'cost',
      ),
    ])
    .orderBy('sms_numbers.e164')
    .execute();
  return rows.map(numbers);
}

export async function usageByUser(db: Kysely<DB>, month: Month): Promise<UsageRow[]> {
  const sent = texts(db, month)
    .where('sent_by', 'is not', null)
    .select((eb) => [
      sql<string>`sent_by`.as('user_id'),
      eb.fn.countAll<number>().as('texts'),
      eb.fn.coalesce(eb.fn.sum<number>('segments'), sql<number>`0`).as('segments'),
      eb.fn.coalesce(eb.fn.sum<string>('price'), sql<string>`0`).as('price'),
    ])
    .groupBy('sent_by');
  const fees = heldIn(db, month)
    .where('owner_id', 'is not', null)
    .select((eb) => [sql<string>`owner_id`.as('user_id'), eb.fn.sum<string>('monthly_price').as('fees')])
    .groupBy('owner_id');
  const rows = await db
    .selectFrom('users')
    .leftJoin(sent.as('sent'), 'sent.user_id', 'users.id')
    .leftJoin(fees.as('fees'), 'fees.user_id', 'users.id')
    .where((eb) => eb.or([eb('sent.user_id', 'is not', null), eb('fees.user_id', 'is not', null)]))
    .select([
      'users.id as key',
      'users.display_name as name',
      sql<number>`coalesce(sent.texts, 0)`.as('texts'),
      sql<number>`coalesce(sent.segments, 0)`.as('segments'),
      sql<string>`(coalesce(sent.price, 0) + coalesce(fees.fees, 0))::numeric(14, 5)`.as('cost'),
    ])
    .orderBy('cost', 'desc')
    .execute();
  return rows.map(numbers);
}

const numbers = (r: UsageRow): UsageRow => ({
  ...r,
  texts: Number(r.texts),
  segments: Number(r.segments),
  cost: String(r.cost),
});
