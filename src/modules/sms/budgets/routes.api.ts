import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import Type from 'typebox';
import { needs } from '../../../identity/access.js';
import { authDeps } from '../../../identity/ports.js';
import { inTransaction } from '../../../identity/request-context.js';
import type { DB } from '../../../platform/db/schema.js';
import { actorOf } from '../numbers/present.js';
import { type Month, monthOf } from '../usage/repo.js';
import { monthOrRefuse } from '../usage/routes.api.js';
import { type BudgetWithSpending, budgetsWithSpending, removeBudget, setBudget } from './service.js';

const manage = needs('sms:manage');
const tags = ['SMS'];
const Budget = Type.Object({
  id: Type.String(),
  scope: Type.Union([Type.Literal('team'), Type.Literal('user')]),
  userId: Type.Union([Type.String(), Type.Null()]),
  userName: Type.Union([Type.String(), Type.Null()]),
  amount: Type.String({ description: 'A month’s budget in the account’s price unit' }),
  hardStop: Type.Boolean(),
  spent: Type.String({ description: 'What the scope cost in the month, as on the usage page' }),
  percent: Type.Integer(),
});
const Input = Type.Object({
  userId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()], {
    description: 'The person whose texts and own lines it covers; null: the team’s (everything)',
  }),
  amount: Type.String({ maxLength: 14, examples: ['25', '12.50'] }),
  hardStop: Type.Optional(Type.Boolean({ description: 'Refuse new texts once the month reaches it' })),
});

const present = (r: BudgetWithSpending) => ({
  id: r.id,
  scope: r.user_id ? ('user' as const) : ('team' as const),
  userId: r.user_id,
  userName: r.user_name,
  amount: r.amount,
  hardStop: r.hard_stop,
  spent: r.spent,
  percent: r.percent,
});

const listed = async (db: Kysely<DB>, month: Month) => ({
  month: month.label,
  items: (await budgetsWithSpending(db, month)).map(present),
});

/** Monthly SMS budgets (`sms:manage`): read with their spending, set per scope, removed. */
export const budgetApiRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const deps = authDeps(app.platform);
  const List = Type.Object({ month: Type.String(), items: Type.Array(Budget) });

  app.get(
    '/api/v1/sms/budgets',
    {
      ...manage,
      schema: {
        tags,
        summary: 'The budgets, with what each scope spent in a month',
        querystring: Type.Object({ month: Type.Optional(Type.String({ maxLength: 7 })) }),
        response: { 200: List },
      },
    },
    async (request) => listed(deps.db, monthOrRefuse(request.query.month)),
  );

  app.put(
    '/api/v1/sms/budgets',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Set the team’s or a person’s monthly budget (replacing the one it had)',
        body: Input,
        response: { 200: Budget },
      },
    },
    async (request) => {
      const { userId, amount, hardStop } = request.body;
      const id = await inTransaction(deps, request, (ctx) =>
        setBudget(ctx.trx, actorOf(request), { userId, amount, hardStop: hardStop ?? false }),
      );
      const { items } = await listed(deps.db, monthOf(undefined)!);
      return items.find((b) => b.id === id)!;
    },
  );

  app.delete(
    '/api/v1/sms/budgets/:id',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Remove a budget (and its hard stop)',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
      },
    },
    async (request, reply) => {
      await inTransaction(deps, request, (ctx) => removeBudget(ctx.trx, actorOf(request), request.params.id));
      return reply.status(204).send();
    },
  );
};
