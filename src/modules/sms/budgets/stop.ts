import type { Transaction } from 'kysely';
import type { DB } from '../../../platform/db/schema.js';
import { AppError } from '../../../shared/errors.js';
import { monthOf } from '../usage/repo.js';
import { budgetsCharged } from './repo.js';
import { percentOf, spentIn } from './spend.js';

/**
 * Refuses (409) a text that would be charged to a budget with a hard stop whose month has reached
 * 100 %: the team's, or that of the user it is sent for. Counted now, so removing the budget or
 * a new month lifts the stop at once.
 */
export async function refuseOverBudget(trx: Transaction<DB>, sentBy: string | null): Promise<void> {
  const month = monthOf(undefined)!;
  for (const budget of await budgetsCharged(trx, sentBy)) {
    if (!budget.hard_stop) continue;
    if (percentOf(await spentIn(trx, budget.user_id, month), budget.amount) < 100) continue;
    throw new AppError(
      'conflict',
      budget.user_id
        ? 'This month’s SMS budget of the person it is sent for is spent, and it stops texts; nothing was sent.'
        : 'This month’s SMS budget of the team is spent, and it stops texts; nothing was sent.',
      {
        said: {
          key: budget.user_id ? 'sms:budgets.errors.stoppedPersonal' : 'sms:budgets.errors.stoppedTeam',
        },
      },
    );
  }
}
