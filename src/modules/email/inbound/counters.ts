import { type Kysely, sql } from 'kysely';
import type { Logger } from 'pino';
import type { DB } from '../../../platform/db/schema.js';
import '../settings/table.js';

/** Outcomes of mail that never becomes a `mail_inbound` row. */
export type UnstoredOutcome = 'rejected' | 'duplicate';

/**
 * Counts one mail refused at the door (an SMTP 550, 552 or 421) or recognised as taken before
 * (the same Message-ID again). Its own statement outside any transaction, so a request that then
 * rolls back still counts; a failure to count is logged, never the caller's failure.
 */
export async function countMailIn(
  platform: { database: { system: Kysely<DB> }; logger: Logger },
  outcome: UnstoredOutcome,
): Promise<void> {
  try {
    await platform.database.system
      .insertInto('mail_in_counts')
      .values({ outcome, n: 1 })
      .onConflict((oc) => oc.column('outcome').doUpdateSet({ n: sql`mail_in_counts.n + 1` }))
      .execute();
  } catch (error) {
    platform.logger.warn({ err: error, outcome }, 'mail count not kept');
  }
}

/** The counts by outcome, for `switchboard_mail_in_total`. */
export async function mailInCounts(db: Kysely<DB>): Promise<Map<string, number>> {
  const rows = await db.selectFrom('mail_in_counts').select(['outcome', 'n']).execute();
  return new Map(rows.map((r) => [r.outcome, Number(r.n)]));
}
