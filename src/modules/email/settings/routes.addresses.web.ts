import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { needs } from '../../../identity/access.js';
import { auditActor } from '../../../identity/access-plugin.js';
import type { AuthContext } from '../../../identity/context.js';
import { authDeps } from '../../../identity/ports.js';
import { inTransaction } from '../../../identity/request-context.js';
import type { AppError } from '../../../shared/errors.js';
import { FormBody, type FormState, formField, handleForm, renderPage } from '../../../web/forms.js';
import { preparePage } from '../../../web/page-context.js';
import { listCategories } from '../../tickets/index.js';
import { listMailChecks, sendMailCheck } from './mail-checks.js';
import {
  addSupportAddress,
  changeSupportAddress,
  listSupportAddresses,
  removeSupportAddress,
} from './support-addresses.js';

const manage = needs('mail:manage');
const DONE = ['added', 'saved', 'removed', 'checked'] as const;
type Done = (typeof DONE)[number];
const Query = Type.Object({
  done: Type.Optional(Type.String({ maxLength: 20 })),
  address: Type.Optional(Type.String({ maxLength: 254 })),
});
/** While a test mail is on its way the page reloads itself this often (seconds). */
const REFRESH_SECONDS = 3;

/**
 * `/admin/mail/addresses`: the addresses the channel takes mail for (those from the settings
 * read-only), each with the category its new tickets get; add, change, remove (asked to confirm).
 * Below, a test mail to one of them through the app's own mailer, and whether it came back.
 */
export const addressWebRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { platform } = app;
  const deps = authDeps(platform);

  async function page(request: FastifyRequest, reply: FastifyReply, state: FormState = {}, status = 200) {
    const { t, date, number } = await preparePage(request, reply);
    const [addresses, categories, checks] = await Promise.all([
      listSupportAddresses(deps.db, platform.config),
      listCategories(deps.db, false),
      listMailChecks(deps.db),
    ]);
    const checkText = (c: (typeof checks)[number]) => {
      const values = { sent: date(c.sentAt, 'datetime'), address: c.address };
      if (c.seconds === null) return t(c.waiting ? 'email:check.waiting' : 'email:check.lost', values);
      const source = c.source ? t(`email:sources.${c.source}`) : '?';
      return t('email:check.back', {
        ...values,
        source,
        seconds: number(c.seconds, { maximumFractionDigits: 1 }),
      });
    };
    reply.header('cache-control', 'no-store');
    return renderPage(
      request,
      reply,
      'pages/mail/addresses.njk',
      {
        addresses,
        categories: [
          { value: '', label: t('email:addresses.noCategory') },
          ...categories.map((c) => ({ value: c.id, label: c.name })),
        ],
        checkAddresses: addresses.map((a) => ({ value: a.address, label: a.address })),
        checks: checks.map((c) => ({ id: c.id, back: c.seconds !== null, text: checkText(c) })),
        // To the address without its #fragment: a refresh to the same address with one would
        // only scroll, not reload.
        refresh: checks.some((c) => c.waiting)
          ? {
              seconds: REFRESH_SECONDS,
              url: request.method === 'GET' ? request.url : '/admin/mail/addresses',
            }
          : null,
        ...state,
      },
      status,
    );
  }

  app.get('/admin/mail/addresses', { ...manage, schema: { querystring: Query } }, async (request, reply) => {
    const { t } = await preparePage(request, reply);
    const done = DONE.find((d) => d === request.query.done);
    const address = request.query.address ?? '';
    return page(request, reply, {
      messages: done ? [{ type: 'success', text: t(`email:addresses.done.${done}`, { address }) }] : [],
    });
  });

  /**
   * One form's change, in a transaction; then back to the page with what was done. A refusal
   * re-renders the page: next to the field for the add and test-mail forms, as a message for the
   * small forms on each address.
   */
  const form = (
    path: string,
    names: readonly string[],
    done: Done,
    run: (ctx: AuthContext, request: FastifyRequest, values: Record<string, string>) => Promise<unknown>,
    options: { inline: boolean; anchor?: string },
  ) =>
    app.post(path, { ...manage, schema: { body: FormBody } }, async (request, reply) => {
      const { t } = await preparePage(request, reply);
      const values = Object.fromEntries(names.map((n) => [n, formField(request.body, n)]));
      const told = (error: AppError) => {
        const said = error.extras.errors?.[0]?.said ?? error.extras.said;
        return said ? t(said.key, said.values) : error.detail;
      };
      return handleForm(
        request,
        reply,
        (state, status) => page(request, reply, state, status),
        { values, form: done },
        async () => {
          await inTransaction(deps, request, (ctx) => run(ctx, request, values));
          const query = new URLSearchParams({ done, address: (values.address ?? '').toLowerCase() });
          return reply.redirect(`/admin/mail/addresses?${query}${options.anchor ?? ''}`, 303);
        },
        options.inline ? {} : { messageFor: told },
      );
    });

  form(
    '/admin/mail/addresses',
    ['address', 'categoryId'],
    'added',
    (ctx, request, v) =>
      addSupportAddress(ctx, platform.config, auditActor(request), {
        address: v.address!,
        categoryId: v.categoryId || null,
      }),
    { inline: true },
  );
  form(
    '/admin/mail/addresses/category',
    ['address', 'categoryId'],
    'saved',
    (ctx, request, v) =>
      changeSupportAddress(ctx, auditActor(request), {
        address: v.address!,
        categoryId: v.categoryId || null,
      }),
    { inline: false },
  );
  form(
    '/admin/mail/addresses/remove',
    ['address'],
    'removed',
    (ctx, request, v) => removeSupportAddress(ctx, auditActor(request), v.address!),
    { inline: false },
  );
  form(
    '/admin/mail/checks',
    ['address'],
    'checked',
    (ctx, request, v) => sendMailCheck(ctx, platform, auditActor(request), v.address!),
    { inline: true, anchor: '#mail-check' },
  );
};
