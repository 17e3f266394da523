import { type Kysely, sql } from 'kysely';
import type { DB } from '../../../platform/db/schema.js';
import type { Month } from '../usage/repo.js';
import '../table.js';

/**
 * What a budget's scope cost in a month, as the usage page counts it: for a user, the prices of
 * the texts sent for them plus the fees of the lines they own; for the team (null), every text out
 * and every line held. A numeric string with 5 decimals.
 */
export async function spentIn(db: Kysely<DB>, userId: string | null, month: Month): Promise<string> {
  const mine = (column: string) => (userId === null ? sql`true` : sql`${sql.ref(column)} = ${userId}`);
  const row = await sql<{ spent: string }>`select (
      coalesce((select sum(price) from sms_messages
        where direction = 'out' and ${mine('sent_by')}
          and created_at >= ${month.from} and created_at < ${month.to}), 0)
      + coalesce((select sum(monthly_price) from sms_numbers
        where ${mine('owner_id')} and created_at < ${month.to}
          and (released_at is null or released_at >= ${month.from})), 0)
    )::numeric(14, 5) as spent`.execute(db);
  return String(row.rows[0]?.spent ?? '0.00000');
}

/** How much of `amount` `spent` is, in whole percent (rounded down, so 79.99 % is not 80). */
export const percentOf = (spent: string, amount: string): number =>
  Math.floor((Number(spent) * 100) / Number(amount) + 1e-9);
