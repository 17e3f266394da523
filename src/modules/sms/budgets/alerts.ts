import type { Kysely, Transaction } from 'kysely';
import type { Config } from '../../../config.js';
import { effectivePermissions } from '../../../identity/role-graph.js';
import { loadRoleGraph } from '../../../identity/role-graph-repo.js';
import type { DB } from '../../../platform/db/schema.js';
import { translator } from '../../../platform/i18n/catalog.js';
import { pickLocale } from '../../../platform/i18n/locales.js';
import type { MailQueue } from '../../../platform/mail/index.js';
import { monthOf } from '../usage/repo.js';
import { type BudgetRow, budgetsCharged } from './repo.js';
import { percentOf, spentIn } from './spend.js';

export const THRESHOLDS = [80, 100] as const;

interface Reader {
  email: string;
  display_name: string;
  locale: string | null;
  time_zone: string | null;
}

/** Who hears of a budget: the SMS administrators, and for a person's budget that person. */
async function readersOf(trx: Transaction<DB>, budget: BudgetRow): Promise<Reader[]> {
  const graph = await loadRoleGraph(trx);
  const roles = Object.keys(graph.roles).filter((r) => effectivePermissions(graph, [r]).has('sms:manage'));
  const people = await trx
    .selectFrom('users')
    .select(['id', 'email', 'display_name', 'locale', 'time_zone'])
    .where('status', '=', 'active')
    .where((eb) =>
      eb.or([
        ...roles.map((role) => eb(eb.val(role), '=', eb.fn.any('roles'))),
        ...(budget.user_id ? [eb('id', '=', budget.user_id)] : []),
      ]),
    )
    .execute();
  return people;
}

/**
 * After a text's price is stored (committed, so the last of several callbacks committing together
 * sees them all): mails each threshold a budget it counts in has reached this month, once. The
 * alert row and the mail share a transaction, and the row's key (budget, month, threshold) makes
 * a second callback crossing the same threshold wait for the first and then insert nothing.
 */
export async function alertBudgets(
  db: Kysely<DB>,
  deps: { config: Config; mail: MailQueue },
  charged: { sentBy: string | null; createdAt: Date },
): Promise<number> {
  const month = monthOf(undefined, charged.createdAt)!;
  let queued = 0;
  await db.transaction().execute(async (trx) => {
    for (const budget of await budgetsCharged(trx, charged.sentBy)) {
      const spent = await spentIn(trx, budget.user_id, month);
      const percent = percentOf(spent, budget.amount);
      for (const threshold of THRESHOLDS) {
        if (percent < threshold) continue;
        const fresh = await trx
          .insertInto('sms_budget_alerts')
          .values({ budget_id: budget.id, month: month.label, threshold })
          .onConflict((oc) => oc.doNothing())
          .returning('budget_id')
          .executeTakeFirst();
        if (!fresh) continue;
        for (const reader of await readersOf(trx, budget)) {
          const t = translator(pickLocale(reader.locale));
          const scope = budget.user_name ?? null;
          const values = { percent: threshold, scope: scope ?? t('sms:budgets.team'), month: month.label };
          await deps.mail.queue(trx, reader, 'sms-budget', {
            name: reader.display_name,
            percent: threshold,
            scope,
            headline: t('sms:budgets.mail.headline', values),
            details: [
              t('sms:budgets.mail.spent', { spent, amount: budget.amount, month: month.label }),
              ...(threshold === 100 && budget.hard_stop ? [t('sms:budgets.mail.stopped')] : []),
              t('sms:budgets.mail.where', { url: `${deps.config.PUBLIC_URL}/admin/sms/numbers#budgets` }),
            ],
          });
          queued++;
        }
      }
    }
  });
  return queued;
}
