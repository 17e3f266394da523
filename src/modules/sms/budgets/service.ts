import type { Kysely, Transaction } from 'kysely';
import { recordAudit } from '../../../platform/audit/record.js';
import type { DB } from '../../../platform/db/schema.js';
import { AppError } from '../../../shared/errors.js';
import type { NumberActor } from '../numbers/service.js';
import type { Month } from '../usage/repo.js';
import { type BudgetRow, deleteBudget, findBudget, listBudgets, upsertBudget } from './repo.js';
import { percentOf, spentIn } from './spend.js';

/** Up to 99,999,999.99 in the account's unit, at most cents: what numeric(12, 2) holds. */
const AMOUNT = /^\d{1,8}(\.\d{1,2})?$/;

export interface BudgetInput {
  /** Null: the team's budget. */
  userId: string | null;
  amount: string;
  hardStop: boolean;
}

const refuse = (field: 'amount' | 'userId', detail: string, key: string): never => {
  throw new AppError('validation_failed', detail, {
    errors: [{ pointer: `/body/${field}`, detail, said: { key } }],
  });
};

const audit = (
  trx: Transaction<DB>,
  actor: NumberActor,
  action: string,
  id: string,
  details: Record<string, unknown>,
) =>
  recordAudit(trx, {
    actor: { type: actor.type, id: actor.id },
    action: `sms.budget_${action}`,
    target: { type: 'sms_budget', id },
    outcome: 'success',
    ip: actor.ip ?? null,
    requestId: actor.requestId ?? null,
    details,
  });

/** Sets the team's or a person's monthly budget (replacing theirs), audited. */
export async function setBudget(
  trx: Transaction<DB>,
  actor: NumberActor,
  input: BudgetInput,
): Promise<string> {
  const amount = input.amount.trim();
  if (!AMOUNT.test(amount) || Number(amount) <= 0)
    refuse('amount', 'Give an amount above 0, such as 25 or 12.50.', 'sms:budgets.errors.amount');
  if (input.userId !== null) {
    const user = await trx.selectFrom('users').select('id').where('id', '=', input.userId).executeTakeFirst();
    if (!user) refuse('userId', 'No account has that id or address.', 'sms:budgets.errors.user');
  }
  const id = await upsertBudget(trx, { ...input, amount });
  await audit(trx, actor, 'set', id, { userId: input.userId, amount, hardStop: input.hardStop });
  return id;
}

/** Removes a budget (and so its hard stop), audited; 404 when there is none. */
export async function removeBudget(trx: Transaction<DB>, actor: NumberActor, id: string): Promise<BudgetRow> {
  const row = await findBudget(trx, id);
  if (!row || !(await deleteBudget(trx, id))) throw new AppError('not_found', 'No such budget.');
  await audit(trx, actor, 'removed', id, { userId: row.user_id, amount: row.amount });
  return row;
}

export interface BudgetWithSpending extends BudgetRow {
  spent: string;
  percent: number;
}

/** Every budget with what its scope spent in `month`. */
export async function budgetsWithSpending(db: Kysely<DB>, month: Month): Promise<BudgetWithSpending[]> {
  const rows = await listBudgets(db);
  return Promise.all(
    rows.map(async (r) => {
      const spent = await spentIn(db, r.user_id, month);
      return { ...r, spent, percent: percentOf(spent, r.amount) };
    }),
  );
}
