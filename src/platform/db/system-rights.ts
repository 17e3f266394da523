import { sql, type Transaction } from 'kysely';
import { currentDbActor } from './actor-context.js';
import type { DB } from './schema.js';

/**
 * Runs `work` with the system's row rights inside `trx`, a user's transaction, then gives the
 * user's rights back: for the one write a user's permitted action causes in a table they may not
 * write themselves (an agent's reply queues its text in sms_messages), committed or rolled back
 * with that action. The switch is transaction-local (`set_config(…, true)`), so it cannot outlive
 * the transaction even when giving the rights back fails (then the transaction has failed too).
 */
export async function withSystemRightsIn<T>(trx: Transaction<DB>, work: () => Promise<T>): Promise<T> {
  const own = currentDbActor().context;
  if (own === 'system') return work();
  await sql`select set_config('app.context', 'system', true)`.execute(trx);
  try {
    return await work();
  } finally {
    await sql`select set_config('app.context', ${own}, true)`.execute(trx).catch(() => {});
  }
}
