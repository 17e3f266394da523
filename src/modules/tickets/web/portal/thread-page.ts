import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TFunction } from 'i18next';
import { type FormState, renderPage } from '../../../../web/forms.js';
import { listEvents } from '../../repo/events.js';
import { listMessages } from '../../repo/messages.js';
import type { TicketRow } from '../../repo/tickets.js';
import { ticketActor } from '../../request-actor.js';
import { threadAttachments, uploadLimits } from '../form-uploads.js';
import { presentThreadMessage, presentTicketPage, statusTable, when } from '../present.js';

const TEMPLATE = 'pages/portal/ticket.njk';
const FRAGMENT = 'pages/portal/_thread.njk';

/** What a requester's timeline says about each change (their own view: no notes, no time). */
function describeEvent(kind: string, to: string | null, labels: Map<string, string>, t: TFunction) {
  const k = (key: string, values: Record<string, string> = {}) => t(`tickets:portal.ticket.${key}`, values);
  if (kind === 'status')
    return k('events.status', {
      to: t(`tickets:portal.status.${to}`, { defaultValue: labels.get(to ?? '') ?? to ?? '' }),
    });
  if (kind === 'priority')
    return k('events.priority', { to: t(`tickets:portal.priority.${to}`, { defaultValue: to ?? '' }) });
  if (kind === 'assignee') return to ? k('events.taken') : k('events.queued');
  return null;
}

/** Everything the requester's ticket page shows: the public thread, the history and the forms. */
export async function threadContext(request: FastifyRequest, ticket: TicketRow) {
  const db = request.server.platform.database.db;
  const actor = ticketActor(request);
  const [statuses, messages, events] = await Promise.all([
    statusTable(db),
    listMessages(db, ticket.id, false),
    listEvents(db, ticket.id, false),
  ]);
  const filesOf = await threadAttachments(
    request,
    messages.map((m) => m.id),
  );
  const labels = new Map([...statuses].map(([name, s]) => [name, s.label]));
  const view = presentTicketPage(ticket, statuses);
  return {
    ticket: view,
    thread: messages.map((m) => ({ ...presentThreadMessage(m), attachments: filesOf(m.id) })),
    history: events
      .map((e) => ({
        text: describeEvent(e.kind, e.to_value, labels, request.page!.t),
        at: when(e.created_at),
      }))
      .filter((e) => e.text !== null),
    closed: view.statusKind === 'closed',
    canAct: ticket.requester_id === actor.userId,
    uploadLimits: uploadLimits(request.server.platform.config),
    active: 'tickets',
  };
}

/** The full page, or (for htmx's live reloads) the thread alone. */
export async function renderThread(
  request: FastifyRequest,
  reply: FastifyReply,
  ticket: TicketRow,
  state: FormState = {},
  status = 200,
) {
  const context = { ...(await threadContext(request, ticket)), ...state };
  if (request.headers['hx-request'] === 'true' && request.method === 'GET')
    return reply.view(FRAGMENT, context);
  return renderPage(request, reply, TEMPLATE, context, status);
}
