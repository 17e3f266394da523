import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { needs } from '../../../../identity/access.js';
import { AppError } from '../../../../shared/errors.js';
import { FormBody, type FormState, formField, formText, handleForm } from '../../../../web/forms.js';
import { wordsOf } from '../../../../web/page-context.js';
import { inTicketTransaction, type TicketContext, ticketDeps } from '../../context.js';
import { addParticipant, removeParticipant } from '../../participants.js';
import type { TicketRow } from '../../repo/tickets.js';
import { ticketActor } from '../../request-actor.js';
import { ticketKey } from '../../schemas.js';
import { addMessage, changeTicket } from '../../service.js';
import { deleteTimeEntry, logTime } from '../../time-entries.js';
import { onFileField, uploadsFromForm } from '../form-uploads.js';
import { readChanges } from './changes.js';
import { pageOf } from './page-text.js';
import type { Done } from './routes.ticket.web.js';
import { currentValues, loadTicket, renderTicket } from './ticket-page.js';

const WRITE = {
  ...needs('tickets:update:any'),
  schema: { params: Type.Object({ key: Type.String({ maxLength: 30 }) }), body: FormBody },
};
const WRITE_FILES = { ...WRITE, config: { ...WRITE.config, uploads: true } };
const WRITE_ENTRY = {
  ...WRITE,
  schema: {
    ...WRITE.schema,
    params: Type.Object({ key: Type.String({ maxLength: 30 }), entry: Type.String({ format: 'uuid' }) }),
  },
};
const PROPERTIES = ['assignee', 'status', 'priority', 'category', 'tags'] as const;
// Service pointers name API fields; the page's fields are named for people.
const FIELD_OF: Record<string, string> = {
  assigneeId: 'assignee',
  categoryId: 'category',
  workDate: 'date',
  email: 'participant',
};

/** precondition_failed's status: the change was based on an older version of the ticket. */
const STALE_STATUS = 412;

const version = (body: unknown, request: FastifyRequest) => {
  const v = formField(body, 'version');
  if (!/^\d{1,9}$/.test(v))
    throw new AppError('validation_failed', wordsOf(request)('tickets:ticket.reload'));
  return Number(v);
};

/** The side panel fields this form changed from what the page showed (the `was_` hidden fields). */
function edited(body: unknown): Record<string, string> {
  const norm = (field: string, v: string) =>
    field === 'tags'
      ? v
          .split(/[\s,]+/)
          .filter(Boolean)
          .join(', ')
      : v;
  return Object.fromEntries(
    PROPERTIES.filter((f) => norm(f, formField(body, f)) !== norm(f, formField(body, `was_${f}`))).map(
      (f) => [f, formField(body, f)],
    ),
  );
}

/** Actions on one ticket from the agent's page; each refusal comes back on the page with what was typed. */
export const inboxActionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const deps = ticketDeps(app.platform);

  /** Runs one change in a transaction, then sends the agent back to the ticket (or shows why not). */
  async function act(
    request: FastifyRequest & { params: { key: string } },
    reply: FastifyReply,
    typed: Record<string, string>,
    run: (ctx: TicketContext, ticket: TicketRow) => Promise<Done>,
    /** More for the page when it comes back refused (the files a reply already uploaded). */
    refusedState: FormState = {},
  ) {
    const ticket = await loadTicket(request, request.params.key);
    const { t } = await pageOf(request, reply);
    // Refused, the page shows the ticket as it is now, with what was typed or chosen.
    const page = async (refused: FormState, status: number) => {
      const fresh = await loadTicket(request, request.params.key);
      const type = status === STALE_STATUS ? ('warning' as const) : ('error' as const);
      return renderTicket(
        request,
        reply,
        fresh,
        {
          ...refusedState,
          ...refused,
          values: { ...currentValues(fresh), ...typed },
          messages: (refused.messages ?? []).map((m) => ({ ...m, type })),
        },
        status,
      );
    };
    return handleForm(
      request,
      reply,
      page,
      {},
      async () => {
        const done = await inTicketTransaction(deps, request, (ctx) => run(ctx, ticket));
        return reply.redirect(`/inbox/${ticketKey(ticket.number)}?done=${done}`, 303);
      },
      {
        rename: FIELD_OF,
        messageFor: (error) =>
          error.code === 'precondition_failed' ? t('tickets:ticket.stale') : error.message,
      },
    );
  }

  app.post('/inbox/:key/change', WRITE, (request, reply) => {
    const changed = edited(request.body);
    return act(request, reply, changed, async (ctx, ticket) => {
      const changes = readChanges(
        request,
        request.body,
        Object.keys(changed) as (typeof PROPERTIES)[number][],
      );
      await changeTicket(ctx, ticketActor(request), ticket.id, version(request.body, request), changes);
      return 'changed';
    });
  });

  app.post('/inbox/:key/claim', WRITE, (request, reply) =>
    act(request, reply, {}, async (ctx, ticket) => {
      const actor = ticketActor(request);
      await changeTicket(ctx, actor, ticket.id, version(request.body, request), { assigneeId: actor.userId });
      return 'claimed';
    }),
  );

  app.post('/inbox/:key/reply', WRITE_FILES, async (request, reply) => {
    // Files are stored first, in their own transaction; a refused reply shows them again (kept).
    const uploads = await uploadsFromForm(deps, request, ticketActor(request)).catch((error) => {
      if (!(error instanceof AppError)) throw error;
      return { problem: onFileField(error), kept: [], claim: {} };
    });
    const typed = {
      body: formText(request.body, 'body'),
      visibility: formField(request.body, 'visibility') === 'internal' ? 'internal' : 'public',
      then_status: formField(request.body, 'then_status'),
    };
    return act(
      request,
      reply,
      typed,
      async (ctx, ticket) => {
        const actor = ticketActor(request);
        if (uploads.problem) throw uploads.problem;
        // The status change goes first: it is the part that can be stale, and then nothing is sent.
        if (typed.then_status)
          await changeTicket(ctx, actor, ticket.id, version(request.body, request), {
            status: typed.then_status,
          });
        await addMessage(ctx, actor, ticket.id, {
          body: typed.body,
          visibility: typed.visibility as 'public' | 'internal',
          channel: 'web',
          ...uploads.claim,
        }).catch((error) => {
          throw error instanceof AppError ? onFileField(error) : error;
        });
        return typed.visibility === 'internal' ? 'note' : 'reply';
      },
      { kept: uploads.kept },
    );
  });

  app.post('/inbox/:key/time', WRITE, (request, reply) => {
    const typed = {
      minutes: formField(request.body, 'minutes'),
      note: formField(request.body, 'note'),
      billable: formField(request.body, 'billable') ? 'on' : '',
      date: formField(request.body, 'date'),
    };
    return act(request, reply, typed, async (ctx, ticket) => {
      const minutes = /^\d{1,4}$/.test(typed.minutes) ? Number(typed.minutes) : Number.NaN;
      await logTime(ctx, ticketActor(request), ticket.id, {
        minutes,
        note: typed.note,
        billable: typed.billable === 'on',
        ...(typed.date ? { workDate: typed.date } : {}),
      });
      return 'time';
    });
  });

  // The page asks first (data-confirm); an entry of someone else's, or of another ticket, is 404.
  app.post('/inbox/:key/time/:entry/delete', WRITE_ENTRY, (request, reply) =>
    act(request, reply, {}, async (ctx, ticket) => {
      await deleteTimeEntry(ctx, ticketActor(request), request.params.entry, ticket.id);
      return 'time_removed';
    }),
  );

  app.post('/inbox/:key/participants', WRITE, (request, reply) => {
    const typed = { participant: formField(request.body, 'participant') };
    return act(request, reply, typed, async (ctx, ticket) => {
      await addParticipant(ctx, ticketActor(request), ticket.id, typed.participant);
      return 'participant_added';
    });
  });

  // The page asks first (data-confirm).
  app.post('/inbox/:key/participants/remove', WRITE, (request, reply) =>
    act(request, reply, {}, async (ctx, ticket) => {
      await removeParticipant(ctx, ticketActor(request), ticket.id, formField(request.body, 'email'));
      return 'participant_removed';
    }),
  );
};
