import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { needs } from '../../../identity/access.js';
import { authDeps } from '../../../identity/ports.js';
import { inTransaction } from '../../../identity/request-context.js';
import { createSmsNumbers } from '../../../platform/sms/index.js';
import { AppError } from '../../../shared/errors.js';
import { FormBody, type FormState, formField, pageRefusal, renderPage } from '../../../web/forms.js';
import { preparePage } from '../../../web/page-context.js';
import { listCategories } from '../../tickets/index.js';
import { budgetWebRoutes } from '../budgets/routes.web.js';
import { budgetsWithSpending } from '../budgets/service.js';
import { monthOf, usageByNumber, usageByUser } from '../usage/repo.js';
import { actorOf } from './present.js';
import { findNumber, listNumbers } from './repo.js';
import {
  assignNumber,
  buyNumber,
  checkWebhooks,
  ownerByEmail,
  releaseNumber,
  searchAvailable,
  webhooksFor,
} from './service.js';

const manage = needs('sms:manage');
const BASE = '/admin/sms/numbers';
const DONE = ['bought', 'assigned', 'released', 'gone', 'budgetSet', 'budgetRemoved'] as const;
const Id = Type.Object({ id: Type.String({ format: 'uuid' }) });
const ListQuery = Type.Object({
  done: Type.Optional(Type.String({ maxLength: 20 })),
  number: Type.Optional(Type.String({ maxLength: 20 })),
  country: Type.Optional(Type.String({ maxLength: 10 })),
  areaCode: Type.Optional(Type.String({ maxLength: 10 })),
});

type Translate = (key: string, values?: Record<string, string | number>) => string;

/**
 * `/admin/sms/numbers`: the numbers the team holds (personal lines and team lines, and whether
 * their webhooks point here), a search of the provider's numbers to buy, assigning a number to a
 * person or the team, releasing one (asked to confirm on a page of its own), and the webhook check.
 */
export const numberWebRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const deps = authDeps(app.platform);
  const provider = createSmsNumbers(app.platform.config);
  const { config } = app.platform;
  const hooks = webhooksFor(config);

  async function listPage(request: FastifyRequest, reply: FastifyReply, state: FormState = {}, status = 200) {
    const { t, when } = await preparePage(request, reply);
    const month = monthOf(undefined)!;
    const [rows, categories, perNumber, perUser, budgets] = await Promise.all([
      listNumbers(deps.db),
      listCategories(deps.db, false),
      usageByNumber(deps.db, month),
      usageByUser(deps.db, month),
      budgetsWithSpending(deps.db, month),
    ]);
    const categoryName = new Map(categories.map((c) => [c.id, c.name]));
    return renderPage(
      request,
      reply,
      'pages/sms/numbers.njk',
      {
        connected: provider !== null,
        hooks,
        numbers: rows.map((r) => ({
          id: r.id,
          e164: r.e164,
          kind: r.owner_id
            ? t('sms:numbers.personal', { name: r.owner_name ?? '' })
            : t('sms:numbers.team', {
                category: (r.category_id && categoryName.get(r.category_id)) || t('sms:numbers.noCategory'),
              }),
          label: r.label,
          capabilities: [r.sms && 'SMS', r.mms && 'MMS', r.voice && t('sms:numbers.voice')]
            .filter(Boolean)
            .join(' · '),
          webhooks:
            r.sms_url === hooks.smsUrl && r.status_url === hooks.statusUrl
              ? ('ok' as const)
              : ('elsewhere' as const),
          checked: r.webhooks_checked_at ? when(r.webhooks_checked_at) : null,
          owner: r.owner_email ?? '',
          categoryId: r.category_id ?? '',
        })),
        usage: { month: month.label, numbers: perNumber, users: perUser },
        budgets: budgets.map((b) => ({
          id: b.id,
          scope: b.user_name ?? t('sms:budgets.team'),
          amount: b.amount,
          spent: b.spent,
          percent: b.percent,
          hardStop: b.hard_stop,
        })),
        categories: [
          { value: '', label: t('sms:numbers.noCategory') },
          ...categories.map((c) => ({ value: c.id, label: c.name })),
        ],
        ...state,
      },
      status,
    );
  }

  const done = (reply: FastifyReply, what: (typeof DONE)[number], number = '') =>
    reply.redirect(`${BASE}?${new URLSearchParams({ done: what, number })}`, 303);

  const doneMessage = (t: Translate, what: string | undefined, number: string) => {
    const found = DONE.find((d) => d === what);
    if (!found) return [];
    return [
      {
        type: found === 'gone' ? ('error' as const) : ('success' as const),
        text: t(`sms:numbers.done.${found}`, { number }),
      },
    ];
  };

  budgetWebRoutes(app, BASE, listPage, done);

  app.get(BASE, { ...manage, schema: { querystring: ListQuery } }, async (request, reply) => {
    const { t } = await preparePage(request, reply);
    const { country, areaCode } = request.query;
    const messages = doneMessage(t, request.query.done, request.query.number ?? '');
    if (country === undefined) return listPage(request, reply, { messages, values: { country: 'US' } });
    const values = { country, areaCode: areaCode ?? '' };
    try {
      const available = await searchAvailable(provider, { country, areaCode });
      return listPage(request, reply, { messages, values, available, searched: true });
    } catch (error) {
      const state = await pageRefusal(request, reply, error);
      return listPage(request, reply, { ...state, values }, (error as AppError).status);
    }
  });

  app.post(`${BASE}/buy`, { ...manage, schema: { body: FormBody } }, async (request, reply) => {
    const e164 = formField(request.body, 'e164');
    try {
      const row = await inTransaction(deps, request, async (ctx) =>
        buyNumber(ctx.trx, provider, config, actorOf(request), {
          e164,
          country: formField(request.body, 'country'),
        }),
      );
      return done(reply, 'bought', row.e164);
    } catch (error) {
      return listPage(request, reply, await pageRefusal(request, reply, error), (error as AppError).status);
    }
  });

  app.post(`${BASE}/check`, { ...manage, schema: { body: FormBody } }, async (request, reply) => {
    const { t } = await preparePage(request, reply);
    try {
      const results = await checkWebhooks(deps.db, provider, config, true);
      const fixed = results.filter((r) => r.fixed).length;
      const missing = results.filter((r) => r.missing).length;
      const text = t('sms:numbers.checked', { count: results.length, fixed, missing });
      return listPage(request, reply, { messages: [{ type: missing ? 'warning' : 'success', text }] });
    } catch (error) {
      return listPage(request, reply, await pageRefusal(request, reply, error), (error as AppError).status);
    }
  });

  app.post(`${BASE}/:id`, { ...manage, schema: { params: Id, body: FormBody } }, async (request, reply) => {
    try {
      const row = await inTransaction(deps, request, async (ctx) =>
        assignNumber(ctx.trx, actorOf(request), request.params.id, {
          ownerId: await ownerByEmail(ctx.trx, formField(request.body, 'owner')),
          categoryId: formField(request.body, 'categoryId') || null,
          label: formField(request.body, 'label') || null,
        }),
      );
      return done(reply, 'assigned', row.e164);
    } catch (error) {
      if (error instanceof AppError && error.code === 'not_found') return done(reply, 'gone');
      const state = await pageRefusal(request, reply, error);
      return listPage(
        request,
        reply,
        {
          ...state,
          editing: request.params.id,
          posted: { owner: formField(request.body, 'owner'), label: formField(request.body, 'label') },
        },
        (error as AppError).status,
      );
    }
  });

  app.get(`${BASE}/:id/release`, { ...manage, schema: { params: Id } }, async (request, reply) => {
    await preparePage(request, reply);
    const row = await findNumber(deps.db, request.params.id);
    if (!row || row.released_at) return done(reply, 'gone');
    return renderPage(request, reply, 'pages/sms/number-release.njk', {
      number: { id: row.id, e164: row.e164 },
    });
  });

  app.post(
    `${BASE}/:id/release`,
    { ...manage, schema: { params: Id, body: FormBody } },
    async (request, reply) => {
      try {
        const row = await inTransaction(deps, request, (ctx) =>
          releaseNumber(ctx.trx, provider, actorOf(request), request.params.id),
        );
        return done(reply, 'released', row.e164);
      } catch (error) {
        if (error instanceof AppError && error.code === 'not_found') return done(reply, 'gone');
        return listPage(request, reply, await pageRefusal(request, reply, error), (error as AppError).status);
      }
    },
  );
};
