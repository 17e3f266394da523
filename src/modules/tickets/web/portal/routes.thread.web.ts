import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { needs } from '../../../../identity/access.js';
import { AppError } from '../../../../shared/errors.js';
import { FormBody, type FormState, formField, formText, handleForm } from '../../../../web/forms.js';
import { inTicketTransaction, ticketDeps } from '../../context.js';
import { ticketActor } from '../../request-actor.js';
import { ticketKey } from '../../schemas.js';
import { addMessage, changeTicket } from '../../service.js';
import { onFileField, uploadsFromForm } from '../form-uploads.js';
import { ticketByKey } from '../ticket-key.js';
import { renderThread } from './thread-page.js';

const Params = Type.Object({ key: Type.String({ maxLength: 30 }) });
const READ = needs('tickets:read:own');
const ACT = needs('tickets:update:own');
/** The requester's ticket page: read the public thread live, reply (which reopens), close. */
export const portalThreadRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const deps = ticketDeps(app.platform);
  const db = app.platform.database.db;

  app.get(
    '/tickets/:key',
    {
      ...READ,
      schema: { params: Params, querystring: Type.Object({ closed: Type.Optional(Type.String()) }) },
    },
    async (request, reply) => {
      const ticket = await ticketByKey(db, ticketActor(request), request.params.key);
      const messages = request.query.closed
        ? [{ type: 'success' as const, text: request.page!.t('tickets:portal.ticket.closed') }]
        : [];
      return renderThread(request, reply, ticket, { messages });
    },
  );

  app.post(
    '/tickets/:key/replies',
    { config: { ...ACT.config, uploads: true }, schema: { params: Params, body: FormBody } },
    async (request, reply) => {
      const actor = ticketActor(request);
      const ticket = await ticketByKey(db, actor, request.params.key);
      const body = formText(request.body, 'body');
      // What was typed stays in the box; the reason sits next to it. `kept` is filled in before
      // anything can be refused, so a refused reply shows its files again.
      const state: FormState = { values: { reply: body }, kept: [] };
      const page = (refused: FormState, status: number) =>
        renderThread(request, reply, ticket, refused, status);
      return handleForm(
        request,
        reply,
        page,
        state,
        async () => {
          const uploads = await uploadsFromForm(deps, request, actor);
          state.kept = uploads.kept;
          if (uploads.problem) throw uploads.problem;
          const created = await inTicketTransaction(deps, request, (ctx) =>
            addMessage(ctx, actor, ticket.id, { body, channel: 'web', ...uploads.claim }),
          ).catch((error) => {
            throw error instanceof AppError ? onFileField(error) : error;
          });
          return reply.redirect(`/tickets/${ticketKey(ticket.number)}#message-${created.id}`, 303);
        },
        { rename: { body: 'reply' } },
      );
    },
  );

  app.post(
    '/tickets/:key/close',
    { ...ACT, schema: { params: Params, body: FormBody } },
    async (request, reply) => {
      const actor = ticketActor(request);
      const ticket = await ticketByKey(db, actor, request.params.key);
      const version = Number(formField(request.body, 'version'));
      // Refused, the page shows the ticket as it is now.
      const page = async (refused: FormState, status: number) =>
        renderThread(request, reply, await ticketByKey(db, actor, request.params.key), refused, status);
      return handleForm(
        request,
        reply,
        page,
        {},
        async () => {
          await inTicketTransaction(deps, request, (ctx) =>
            changeTicket(ctx, actor, ticket.id, version, { status: 'closed' }),
          );
          return reply.redirect(`/tickets/${ticketKey(ticket.number)}?closed=1`, 303);
        },
        {
          messageFor: (error) =>
            error.code === 'precondition_failed'
              ? request.page!.t('tickets:portal.ticket.changed')
              : error.message,
        },
      );
    },
  );
};
