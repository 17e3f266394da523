import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { budgetApiRoutes } from './budgets/routes.api.js';
import { numberApiRoutes } from './numbers/routes.api.js';
import { numberWebRoutes } from './numbers/routes.web.js';
import { textApiRoutes } from './texts/routes.api.js';
import { usageApiRoutes } from './usage/routes.api.js';
import { webhookCounts } from './webhooks/counts.js';
import { twilioWebhookRoutes } from './webhooks/routes.js';

/**
 * The SMS channel in the running app: Twilio's webhooks, the numbers API and admin page, and the
 * `/metrics` counts of texts in and of webhook calls that stored nothing, read from the database
 * at scrape time, so they count what every process did.
 */
export const smsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { platform } = app;
  await app.register(twilioWebhookRoutes);
  await app.register(numberApiRoutes);
  await app.register(numberWebRoutes);
  await app.register(usageApiRoutes);
  await app.register(textApiRoutes);
  await app.register(budgetApiRoutes);
  platform.metrics.gauge(
    'switchboard_sms_webhook_total',
    'Twilio webhook calls that stored nothing, by why (bad-signature, other-account, not-our-number, duplicate …)',
    ['outcome'],
    async (set) => {
      for (const [outcome, n] of await webhookCounts(platform.database.system)) set({ outcome }, n);
    },
  );
  platform.metrics.gauge(
    'switchboard_sms_out_total',
    'Texts out, by status (queued, sent, delivered, undelivered, failed …)',
    ['status'],
    async (set) => {
      const rows = await platform.database.system
        .selectFrom('sms_messages')
        .select((eb) => ['status', eb.fn.countAll<number>().as('n')])
        .where('direction', '=', 'out')
        .groupBy('status')
        .execute();
      for (const row of rows) set({ status: row.status }, Number(row.n));
    },
  );
  platform.metrics.gauge(
    'switchboard_sms_out_cost',
    'What texts out cost, by currency (Twilio’s prices from status callbacks)',
    ['unit'],
    async (set) => {
      const rows = await platform.database.system
        .selectFrom('sms_messages')
        .select((eb) => ['price_unit', eb.fn.sum<string>('price').as('cost')])
        .where('direction', '=', 'out')
        .where('price_unit', 'is not', null)
        .groupBy('price_unit')
        .execute();
      for (const row of rows) set({ unit: row.price_unit! }, Number(row.cost));
    },
  );
  platform.metrics.gauge(
    'switchboard_sms_budget_alerts',
    'Budgets that reached 80 or 100 percent this (UTC) month and were alerted, by threshold',
    ['threshold'],
    async (set) => {
      const rows = await platform.database.system
        .selectFrom('sms_budget_alerts')
        .select((eb) => ['threshold', eb.fn.countAll<number>().as('n')])
        .where('month', '=', new Date().toISOString().slice(0, 7))
        .groupBy('threshold')
        .execute();
      for (const row of rows) set({ threshold: String(row.threshold) }, Number(row.n));
    },
  );
  platform.metrics.gauge(
    'switchboard_sms_in_total',
    'Texts taken in, by what became of them (new-ticket, reply, refused-unknown, pending …)',
    ['outcome'],
    async (set) => {
      const rows = await platform.database.system
        .selectFrom('sms_messages')
        .select((eb) => [
          eb.fn.coalesce('outcome', eb.val('pending')).as('outcome'),
          eb.fn.countAll<number>().as('n'),
        ])
        .where('direction', '=', 'in')
        .groupBy('outcome')
        .execute();
      for (const row of rows) set({ outcome: String(row.outcome) }, Number(row.n));
    },
  );
};
