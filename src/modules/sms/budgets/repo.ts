import type { Kysely } from 'kysely';
import type { DB } from '../../../platform/db/schema.js';
import '../table.js';

export interface BudgetRow {
  id: string;
  user_id: string | null;
  amount: string;
  hard_stop: boolean;
  user_name: string | null;
  user_email: string | null;
}

const budgets = (db: Kysely<DB>) =>
  db
    .selectFrom('sms_budgets')
    .leftJoin('users', 'users.id', 'sms_budgets.user_id')
    .select([
      'sms_budgets.id',
      'sms_budgets.user_id',
      'sms_budgets.amount',
      'sms_budgets.hard_stop',
      'users.display_name as user_name',
      'users.email as user_email',
    ]);

/** The team's budget first, then people's by name. */
export const listBudgets = (db: Kysely<DB>): Promise<BudgetRow[]> =>
  budgets(db)
    .orderBy((eb) => eb('sms_budgets.user_id', 'is not', null))
    .orderBy('users.display_name')
    .execute();

export const findBudget = (db: Kysely<DB>, id: string): Promise<BudgetRow | undefined> =>
  budgets(db).where('sms_budgets.id', '=', id).executeTakeFirst();

/** The budgets a text sent for `userId` counts in: the team's, and that user's own. */
export const budgetsCharged = (db: Kysely<DB>, userId: string | null): Promise<BudgetRow[]> =>
  budgets(db)
    .where((eb) =>
      userId === null
        ? eb('sms_budgets.user_id', 'is', null)
        : eb.or([eb('sms_budgets.user_id', 'is', null), eb('sms_budgets.user_id', '=', userId)]),
    )
    .execute();

/** Sets a scope's budget, replacing the one it had. */
export async function upsertBudget(
  db: Kysely<DB>,
  values: { userId: string | null; amount: string; hardStop: boolean },
): Promise<string> {
  const current = await db
    .selectFrom('sms_budgets')
    .select('id')
    .where('user_id', values.userId === null ? 'is' : '=', values.userId)
    .executeTakeFirst();
  const set = { amount: values.amount, hard_stop: values.hardStop };
  if (current) {
    await db
      .updateTable('sms_budgets')
      .set({ ...set, updated_at: new Date() })
      .where('id', '=', current.id)
      .execute();
    return current.id;
  }
  const row = await db
    .insertInto('sms_budgets')
    .values({ ...set, user_id: values.userId })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export const deleteBudget = async (db: Kysely<DB>, id: string): Promise<boolean> =>
  (await db.deleteFrom('sms_budgets').where('id', '=', id).executeTakeFirst()).numDeletedRows > 0n;
