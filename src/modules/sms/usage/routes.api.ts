import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { needs } from '../../../identity/access.js';
import { authDeps } from '../../../identity/ports.js';
import { AppError } from '../../../shared/errors.js';
import { usageCsv } from './csv.js';
import { type Month, monthOf, usageByNumber, usageByUser } from './repo.js';

const manage = needs('sms:manage');
const tags = ['SMS'];
const Query = Type.Object({
  month: Type.Optional(
    Type.String({ maxLength: 7, examples: ['2026-12'], description: 'UTC month; default this one' }),
  ),
});
const Row = Type.Object({
  key: Type.String(),
  name: Type.String(),
  texts: Type.Integer(),
  segments: Type.Integer(),
  cost: Type.String({
    description: 'Texts’ prices plus monthly number fees, 5 decimals, in the account’s currency',
  }),
});

export function monthOrRefuse(label: string | undefined): Month {
  const month = monthOf(label);
  if (month) return month;
  const detail = 'Give the month as YYYY-MM, such as 2026-12.';
  throw new AppError('validation_failed', detail, {
    errors: [{ pointer: '/query/month', detail, said: { key: 'sms:usage.errors.month' } }],
  });
}

/** A month's texts out and their cost per number and per user, as JSON and as CSV. */
export const usageApiRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = authDeps(app.platform);

  app.get(
    '/api/v1/sms/usage',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Texts out and their cost in a month, per number (fees included) and per user',
        querystring: Query,
        response: {
          200: Type.Object({ month: Type.String(), numbers: Type.Array(Row), users: Type.Array(Row) }),
        },
      },
    },
    async (request) => {
      const month = monthOrRefuse(request.query.month);
      return {
        month: month.label,
        numbers: await usageByNumber(db, month),
        users: await usageByUser(db, month),
      };
    },
  );

  app.get(
    '/api/v1/sms/usage.csv',
    {
      ...manage,
      schema: { tags, summary: 'The same, as CSV', querystring: Query, produces: ['text/csv'] },
    },
    async (request, reply) => {
      const month = monthOrRefuse(request.query.month);
      const csv = usageCsv(month.label, await usageByNumber(db, month), await usageByUser(db, month));
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="sms-usage-${month.label}.csv"`)
        .header('x-content-type-options', 'nosniff')
        .send(csv);
    },
  );
};
