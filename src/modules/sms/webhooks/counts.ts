import { type Kysely, sql } from 'kysely';
import type { Logger } from 'pino';
import type { DB } from '../../../platform/db/schema.js';
import '../table.js';

/** What became of a webhook call that stored nothing. */
export type WebhookOutcome =
  | 'no-provider'
  | 'bad-signature'
  | 'other-account'
  | 'malformed'
  | 'not-our-number'
  | 'duplicate'
  | 'unknown-message';

/**
 * Counts one webhook call that stored nothing, in a statement of its own (so a refused request
 * still counts) with the time of the last one; a failure to count is logged, never the caller's.
 */
export async function countWebhook(
  platform: { database: { system: Kysely<DB> }; logger: Logger },
  outcome: WebhookOutcome,
): Promise<void> {
  try {
    await platform.database.system
      .insertInto('sms_webhook_counts')
      .values({ outcome, n: 1 })
      .onConflict((oc) =>
        oc.column('outcome').doUpdateSet({ n: sql<number>`sms_webhook_counts.n + 1`, last_at: new Date() }),
      )
      .execute();
  } catch (error) {
    platform.logger.warn({ err: error, outcome }, 'SMS webhook count not kept');
  }
}

export async function webhookCounts(db: Kysely<DB>): Promise<Map<string, number>> {
  const rows = await db.selectFrom('sms_webhook_counts').select(['outcome', 'n']).execute();
  return new Map(rows.map((r) => [r.outcome, Number(r.n)]));
}
