import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { PUBLIC } from '../../../../identity/access.js';
import { requestMeta } from '../../../../identity/session-plugin.js';
import { AppError } from '../../../../shared/errors.js';
import { FormBody, formField, formText, handleForm, renderPage } from '../../../../web/forms.js';
import { beginSession, isSignupProof, setSignupProofCookie, signupProofCookie } from '../../../auth/index.js';
import { inTicketTransaction, ticketDeps } from '../../context.js';
import { listCategories } from '../../repo/categories.js';
import { askForHelp, confirmHelp, limitHelp } from './service.js';

const FORM = 'pages/portal/help.njk';
const DONE = 'pages/portal/help_done.njk';
const KEY = /^SB-\d{1,12}$/;

/**
 * The link's page carries a one-time token: no Referer leaks it (W3C Referrer Policy) and nothing
 * stores the page (RFC 9111 §5.2.2.5 no-store), as for the auth module's link pages.
 */
/** The service names the refused field (service.ts); the page says it in its language. */
function inWords(error: unknown, t: (key: string) => string): unknown {
  if (!(error instanceof AppError) || error.code !== 'validation_failed') return error;
  const errors = (error.extras.errors ?? []).map((e) =>
    HELP_FIELDS.includes(e.detail) ? { ...e, detail: t(`tickets:help.errors.${e.detail}`) } : e,
  );
  return new AppError(error.code, errors[0]?.detail ?? error.detail, { ...error.extras, errors });
}
const HELP_FIELDS = ['name', 'email', 'subject', 'body'];

const tokenHeaders = (reply: FastifyReply) =>
  reply.header('referrer-policy', 'no-referrer').header('cache-control', 'no-store');

/**
 * "Ask for help" without an account (`/help`): name, address and question open a ticket on a
 * pending account, and the receipt's link confirms the address and opens the ticket (service.ts
 * says what happens for addresses that already have an account). People who are signed in and may
 * open tickets use the portal's form instead.
 */
export const helpWebRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const deps = ticketDeps(app.platform);
  const db = app.platform.database.db;
  const categories = async (request: FastifyRequest) => [
    { value: '', label: request.page!.t('tickets:portal.new.notSure') },
    ...(await listCategories(db, false)).map((c) => ({ value: c.id, label: c.name })),
  ];

  app.get('/help', PUBLIC, async (request, reply) => {
    if (request.page?.viewer && request.page.can('tickets:create'))
      return reply.redirect('/tickets/new', 303);
    return renderPage(request, reply, FORM, { categories: await categories(request), active: 'help' });
  });

  app.post('/help', { ...PUBLIC, schema: { body: FormBody } }, async (request, reply) => {
    const t = request.page!.t;
    const offered = await categories(request);
    const values = {
      name: formField(request.body, 'name'),
      email: formField(request.body, 'email'),
      subject: formField(request.body, 'subject'),
      body: formText(request.body, 'body'),
      categoryId: formField(request.body, 'categoryId'),
    };
    const state = { categories: offered, values, active: 'help' };
    return handleForm(
      request,
      reply,
      FORM,
      state,
      async () => {
        await limitHelp(deps, requestMeta(request).ip, values.email);
        const userId = await inTicketTransaction(deps, request, (ctx) =>
          askForHelp(deps, ctx, {
            ...values,
            // Only a category the form offers; anything else is "not sure".
            categoryId: offered.some((c) => c.value && c.value === values.categoryId)
              ? values.categoryId
              : null,
            locale: request.page!.lang,
            language: app.platform.config.SEARCH_LANGUAGE,
          }),
        ).catch((error) => {
          throw inWords(error, t);
        });
        // Set for every accepted question, new address or not, so the answers stay alike.
        setSignupProofCookie(request, reply, userId);
        return reply.redirect('/help/sent', 303);
      },
      {
        messageFor: (error) =>
          error.code === 'rate_limited'
            ? t('tickets:help.errors.tooMany')
            : error.code === 'validation_failed'
              ? t('tickets:help.errors.check')
              : undefined,
      },
    );
  });

  app.get('/help/sent', PUBLIC, async (request, reply) =>
    renderPage(request, reply, DONE, { state: 'sent', active: 'help' }),
  );

  const Query = Type.Object({
    token: Type.Optional(Type.String({ maxLength: 100 })),
    ticket: Type.Optional(Type.String({ maxLength: 30 })),
  });
  app.get('/help/confirm', { ...PUBLIC, schema: { querystring: Query } }, async (request, reply) => {
    tokenHeaders(reply);
    return renderPage(request, reply, DONE, {
      state: 'confirm',
      token: request.query.token ?? '',
      ticket: KEY.test(request.query.ticket ?? '') ? request.query.ticket : '',
    });
  });

  app.post('/help/confirm', { ...PUBLIC, schema: { body: FormBody } }, async (request, reply) => {
    tokenHeaders(reply);
    const key = formField(request.body, 'ticket');
    const target = KEY.test(key) ? `/tickets/${key}` : '/tickets';
    const claimed = await inTicketTransaction(deps, request, (ctx) =>
      confirmHelp(deps, ctx, formField(request.body, 'token')),
    );
    if (!claimed) return renderPage(request, reply, DONE, { state: 'invalid' }, 400);
    // Signed in only in the browser that asked (the proof cookie), within the link's life;
    // elsewhere the address is confirmed and the person signs in as usual.
    const sameBrowser = isSignupProof(deps.config.SECRET_KEY!, claimed.id, signupProofCookie(request));
    if (sameBrowser) {
      const session = await beginSession(deps, request, reply, claimed, 'email_link');
      if (session.mfa === 'done') return reply.redirect(target, 303);
    }
    return renderPage(request, reply, DONE, {
      state: 'confirmed',
      signIn: `/login?next=${encodeURIComponent(target)}`,
    });
  });
};
