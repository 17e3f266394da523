import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { needs } from '../../../../identity/access.js';
import { AppError } from '../../../../shared/errors.js';
import {
  FormBody,
  type FormState,
  formField,
  formText,
  handleForm,
  renderPage,
} from '../../../../web/forms.js';
import { inTicketTransaction, ticketDeps } from '../../context.js';
import { handlesAll } from '../../policy.js';
import { listCategories } from '../../repo/categories.js';
import { ticketActor } from '../../request-actor.js';
import { ticketKey } from '../../schemas.js';
import { openTicket } from '../../service.js';
import { PRIORITIES, type Priority } from '../../table.js';
import { onFileField, uploadLimits, uploadsFromForm } from '../form-uploads.js';

const TEMPLATE = 'pages/portal/new.njk';

/** "Ask for help": the form that opens a ticket, with the choices this person has. */
export const portalNewTicketRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const deps = ticketDeps(app.platform);
  const db = app.platform.database.db;
  const CREATE = needs('tickets:create');

  const formContext = async (request: FastifyRequest) => {
    const actor = ticketActor(request);
    const premium = actor.permissions.has('tickets:priority') || handlesAll(actor);
    const categories = await listCategories(db, false);
    const t = request.page!.t;
    return {
      categories: [{ value: '', label: t('tickets:portal.new.notSure') }].concat(
        categories.map((c) => ({ value: c.id, label: c.name })),
      ),
      priorities: PRIORITIES.filter((p) => premium || (p !== 'high' && p !== 'urgent')).map((p) => ({
        value: p,
        label: t(`tickets:portal.new.priorities.${p}`),
      })),
      uploadLimits: uploadLimits(app.platform.config),
      active: 'new-ticket',
    };
  };

  // A question mailed to the owner of an existing account (/help) comes back filled in: sending it is theirs.
  const Prefill = Type.Object({
    subject: Type.Optional(Type.String({ maxLength: 200 })),
    body: Type.Optional(Type.String({ maxLength: 2000 })),
    categoryId: Type.Optional(Type.String({ maxLength: 40 })),
  });
  app.get('/tickets/new', { ...CREATE, schema: { querystring: Prefill } }, async (request, reply) =>
    renderPage(request, reply, TEMPLATE, {
      ...(await formContext(request)),
      values: { priority: 'normal', ...request.query },
    }),
  );

  app.post(
    '/tickets',
    { config: { ...CREATE.config, uploads: true }, schema: { body: FormBody } },
    async (request, reply) => {
      const actor = ticketActor(request);
      const form = request.body as Record<string, unknown>;
      const values = {
        subject: formField(form, 'subject'),
        body: formText(form, 'body'),
        categoryId: formField(form, 'categoryId'),
        priority: formField(form, 'priority') || 'normal',
      };
      // `kept` is filled in before anything can be refused, so a refused form shows the files again.
      const state: FormState = { ...(await formContext(request)), values, kept: [] };
      return handleForm(request, reply, TEMPLATE, state, async () => {
        const uploads = await uploadsFromForm(deps, request, actor);
        state.kept = uploads.kept;
        if (uploads.problem) throw uploads.problem;
        const ticket = await inTicketTransaction(deps, request, (ctx) =>
          openTicket(ctx, actor, {
            subject: values.subject,
            body: values.body,
            categoryId: values.categoryId || null,
            priority: (PRIORITIES as readonly string[]).includes(values.priority)
              ? (values.priority as Priority)
              : 'normal',
            channel: 'web',
            language: app.platform.config.SEARCH_LANGUAGE,
            ...uploads.claim,
          }),
        ).catch((error) => {
          throw error instanceof AppError ? onFileField(error) : error;
        });
        return reply.redirect(`/tickets/${ticketKey(ticket.number)}`, 303);
      });
    },
  );
};
