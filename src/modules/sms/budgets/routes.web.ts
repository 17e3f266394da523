import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { needs } from '../../../identity/access.js';
import { authDeps } from '../../../identity/ports.js';
import { inTransaction } from '../../../identity/request-context.js';
import type { AppError } from '../../../shared/errors.js';
import { FormBody, type FormState, formField, pageRefusal } from '../../../web/forms.js';
import { actorOf } from '../numbers/present.js';
import { ownerByEmail } from '../numbers/service.js';
import { removeBudget, setBudget } from './service.js';

const manage = needs('sms:manage');
// The budget form's fields, apart from the number forms' on the same page.
const rename = { owner: 'budgetOwner', userId: 'budgetOwner', amount: 'budgetAmount' };

/**
 * The budget forms of `/admin/sms/numbers` (the numbers page shows the budgets with their
 * spending): set the team's or a person's budget, remove one. A refusal re-renders the page.
 */
export function budgetWebRoutes(
  app: FastifyInstance,
  base: string,
  page: (request: FastifyRequest, reply: FastifyReply, state: FormState, status: number) => Promise<unknown>,
  done: (reply: FastifyReply, what: 'budgetSet' | 'budgetRemoved' | 'gone') => unknown,
): void {
  const deps = authDeps(app.platform);

  app.post(`${base}/budgets`, { ...manage, schema: { body: FormBody } }, async (request, reply) => {
    const posted = {
      budgetOwner: formField(request.body, 'owner'),
      budgetAmount: formField(request.body, 'amount'),
    };
    try {
      await inTransaction(deps, request, async (ctx) =>
        setBudget(ctx.trx, actorOf(request), {
          userId: await ownerByEmail(ctx.trx, posted.budgetOwner),
          amount: posted.budgetAmount,
          hardStop: formField(request.body, 'hardStop') === 'on',
        }),
      );
      return done(reply, 'budgetSet');
    } catch (error) {
      const state = await pageRefusal(request, reply, error, { rename });
      return page(request, reply, { ...state, budgetPosted: posted }, (error as AppError).status);
    }
  });

  app.post(
    `${base}/budgets/:id/remove`,
    { ...manage, schema: { params: Type.Object({ id: Type.String({ format: 'uuid' }) }), body: FormBody } },
    async (request, reply) => {
      try {
        await inTransaction(deps, request, (ctx) =>
          removeBudget(ctx.trx, actorOf(request), (request.params as { id: string }).id),
        );
        return done(reply, 'budgetRemoved');
      } catch (error) {
        if ((error as AppError).code === 'not_found') return done(reply, 'gone');
        throw error;
      }
    },
  );
}
