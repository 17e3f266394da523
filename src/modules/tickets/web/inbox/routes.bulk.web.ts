import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { needs } from '../../../../identity/access.js';
import { AppError } from '../../../../shared/errors.js';
import { FormBody, type FormState, formField, handleForm } from '../../../../web/forms.js';
import { inTicketTransaction, ticketDeps } from '../../context.js';
import { findTicket } from '../../repo/tickets.js';
import { ticketActor } from '../../request-actor.js';
import { ticketKey } from '../../schemas.js';
import { changeTicket } from '../../service.js';
import { readChanges } from './changes.js';
import { UUID } from './filters.js';
import { renderInbox } from './list-page.js';
import { pageOf } from './page-text.js';

const MAX_SELECTION = 100;

/** The selected rows: `<ticket id>:<version the list showed>` each. */
function selection(body: unknown): { id: string; version: number }[] {
  const raw = (body as Record<string, unknown> | undefined)?.ticket;
  const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string');
  return values.flatMap((value) => {
    const [id, version] = value.split(':');
    return id && UUID.test(id) && /^\d{1,9}$/.test(version ?? '') ? [{ id, version: Number(version) }] : [];
  });
}

/** Bulk actions on a selection: each ticket changes on its own, at the version the agent saw. */
export const inboxBulkRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const deps = ticketDeps(app.platform);
  const db = app.platform.database.db;
  const keyOf = async (id: string) => {
    const ticket = await findTicket(db, id);
    return ticket ? ticketKey(ticket.number) : id;
  };

  app.post(
    '/inbox/bulk',
    { ...needs('tickets:update:any'), schema: { body: FormBody } },
    async (request, reply) => {
      const { t } = await pageOf(request, reply);
      const returnTo = formField(request.body, 'return');
      const back = Object.fromEntries(new URLSearchParams(returnTo));
      const refuse = (text: string, status = 400) =>
        renderInbox(request, reply, back, { state: { messages: [{ type: 'error', text }] }, status });
      const chosen = selection(request.body).slice(0, MAX_SELECTION);
      if (chosen.length === 0) return refuse(t('tickets:inbox.bulk.none'));
      const page = (refused: FormState, status: number) =>
        renderInbox(request, reply, back, { state: refused, status });
      return handleForm(
        request,
        reply,
        page,
        {},
        async () => {
          const changes = readChanges(request, request.body, ['assignee', 'status', 'priority']);
          if (Object.keys(changes).length === 0) return refuse(t('tickets:inbox.bulk.nothing'));
          const outcome = await applyEach(request, chosen, changes);
          // All done: back to the list it came from (post/redirect/get), which says what changed.
          if (outcome.stale.length === 0 && outcome.refused.length === 0) {
            const query = new URLSearchParams(returnTo);
            query.delete('changed');
            query.set('changed', outcome.done.join(','));
            return reply.redirect(`/inbox?${query.toString()}`, 303);
          }
          const messages: NonNullable<FormState['messages']> = [];
          if (outcome.done.length)
            messages.push({
              type: 'success',
              text: t('tickets:inbox.bulk.changed', { keys: outcome.done.join(', ') }),
            });
          if (outcome.stale.length)
            messages.push({
              type: 'warning',
              text: t('tickets:inbox.bulk.stale', {
                keys: (await Promise.all(outcome.stale.map(keyOf))).join(', '),
              }),
            });
          for (const { id, reason } of outcome.refused)
            messages.push({
              type: 'error',
              text: t('tickets:inbox.bulk.refused', { key: await keyOf(id), reason }),
            });
          const status = outcome.done.length ? 200 : outcome.stale.length ? 409 : 400;
          return renderInbox(request, reply, back, { state: { messages }, status });
        },
        // The list has no fields to put a reason beside: it is always the message.
        { messageFor: (error) => error.message },
      );
    },
  );

  async function applyEach(
    request: FastifyRequest,
    chosen: { id: string; version: number }[],
    changes: ReturnType<typeof readChanges>,
  ) {
    const actor = ticketActor(request);
    const done: string[] = [];
    const stale: string[] = [];
    const refused: { id: string; reason: string }[] = [];
    for (const { id, version } of chosen) {
      try {
        const ticket = await inTicketTransaction(deps, request, (ctx) =>
          changeTicket(ctx, actor, id, version, changes),
        );
        done.push(ticketKey(ticket.number));
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        if (error.code === 'precondition_failed') stale.push(id);
        else refused.push({ id, reason: error.message });
      }
    }
    return { done, stale, refused };
  }
};
