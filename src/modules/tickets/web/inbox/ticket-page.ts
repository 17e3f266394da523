import type { FastifyReply, FastifyRequest } from 'fastify';
import { type FormState, renderPage } from '../../../../web/forms.js';
import { listParticipants } from '../../participants.js';
import { listEvents } from '../../repo/events.js';
import { requesterInfo } from '../../repo/inbox.js';
import { listMessages } from '../../repo/messages.js';
import type { TicketRow } from '../../repo/tickets.js';
import { listTimeEntries } from '../../repo/time-entries.js';
import { ticketActor } from '../../request-actor.js';
import { ticketKey } from '../../schemas.js';
import { threadAttachments, uploadLimits } from '../form-uploads.js';
import { presentThreadMessage } from '../present.js';
import { ticketByKey } from '../ticket-key.js';
import { loadChoices, lookupsFor } from './lookups.js';
import { pageOf } from './page-text.js';
import { dayText, eventUserIds, minutesText, presentEvent } from './present.js';

export const TICKET_TEMPLATE = 'pages/inbox/ticket.njk';
export const ACTIVITY_TEMPLATE = 'pages/inbox/_activity.njk';

export const loadTicket = (request: FastifyRequest, key: string) =>
  ticketByKey(request.server.platform.database.db, ticketActor(request), key);

/** The thread and the timeline: the part of the page that follows the ticket's live stream. */
async function activity(
  request: FastifyRequest,
  reply: FastifyReply,
  ticket: TicketRow,
  seenVersion: number,
) {
  const { db } = request.server.platform.database;
  const { t } = await pageOf(request, reply);
  const choices = await loadChoices(request.server, t);
  const [messages, events] = await Promise.all([
    listMessages(db, ticket.id, true),
    listEvents(db, ticket.id, true),
  ]);
  const [look, filesOf] = await Promise.all([
    lookupsFor(request.server, choices, eventUserIds(events), t),
    threadAttachments(
      request,
      messages.map((m) => m.id),
    ),
  ]);
  return {
    choices,
    key: ticketKey(ticket.number),
    activityUrl: `/inbox/${ticketKey(ticket.number)}/activity?v=${seenVersion}`,
    changedSince: ticket.version > seenVersion,
    // A reply on an SMS ticket goes out as a text: its states read "Texting…", "Texted", "Delivered".
    deliveryLabels: ticket.channel === 'sms' ? 'textDelivery' : 'delivery',
    thread: messages.map((m) => ({
      ...presentThreadMessage(m),
      at: m.created_at,
      channel: t(`tickets:ticket.channels.${m.channel}`),
      fromMail: m.channel === 'email',
      attachments: filesOf(m.id),
    })),
    timeline: events.map((e) => presentEvent(e, look)),
  };
}

export async function renderActivity(
  request: FastifyRequest,
  reply: FastifyReply,
  key: string,
  seen: number,
) {
  const ticket = await loadTicket(request, key);
  return reply.view(ACTIVITY_TEMPLATE, await activity(request, reply, ticket, seen));
}

/** The form values showing a ticket as it is now. */
export const currentValues = (t: TicketRow) => ({
  assignee: t.assignee_id ?? 'none',
  status: t.status,
  priority: t.priority,
  category: t.category_id ?? 'none',
  tags: t.tags.join(', '),
});

/**
 * The agent's ticket page. `state.values` keeps what was typed (a reply draft, a time entry)
 * across refusals; the side panel shows the ticket as it is now unless `state.values` says otherwise.
 */
export async function renderTicket(
  request: FastifyRequest,
  reply: FastifyReply,
  ticket: TicketRow,
  state: FormState = {},
  status = 200,
) {
  const { db } = request.server.platform.database;
  const actor = ticketActor(request);
  const { t } = await pageOf(request, reply);
  const [shown, entries, requester, participants] = await Promise.all([
    activity(request, reply, ticket, ticket.version),
    listTimeEntries(db, ticket.id),
    requesterInfo(db, ticket.requester_id),
    listParticipants(db, ticket.id),
  ]);
  const look = await lookupsFor(
    request.server,
    shown.choices,
    [ticket.assignee_id, ...entries.map((e) => e.agent_id)],
    t,
  );
  const total = entries.reduce((sum, e) => sum + e.minutes, 0);
  const billable = entries.filter((e) => e.billable).reduce((sum, e) => sum + e.minutes, 0);
  return renderPage(
    request,
    reply,
    TICKET_TEMPLATE,
    {
      ...shown,
      active: 'inbox',
      uploadLimits: uploadLimits(request.server.platform.config),
      smsSegmentsWarn: request.server.platform.config.SMS_SEGMENTS_WARN,
      ticket: {
        id: ticket.id,
        subject: ticket.subject,
        version: ticket.version,
        channel: ticket.channel,
        channelLabel: t(`tickets:ticket.channels.${ticket.channel}`),
        statusLabel: look.statusLabels.get(ticket.status) ?? ticket.status,
        priority: ticket.priority,
        priorityLabel: look.priorityLabels.get(ticket.priority) ?? ticket.priority,
        assignee: ticket.assignee_id
          ? (look.names.get(ticket.assignee_id) ?? t('tickets:ticket.unknown'))
          : null,
        mine: ticket.assignee_id !== null && ticket.assignee_id === actor.userId,
        createdAt: ticket.created_at,
        updatedAt: ticket.updated_at,
      },
      liveUrl: `/api/v1/tickets/${ticket.id}/stream`,
      participants: participants.map((p) => ({ email: p.email })),
      requester: requester
        ? {
            name: requester.display_name,
            email: requester.email,
            company: requester.company,
            phone: requester.phone,
          }
        : null,
      time: {
        entries: entries.map((e) => ({
          id: e.id,
          mine: e.agent_id !== null && e.agent_id === actor.userId,
          agent: e.agent_id
            ? (look.names.get(e.agent_id) ?? t('tickets:ticket.unknown'))
            : t('tickets:ticket.time.integration'),
          minutes: minutesText(t, e.minutes),
          note: e.note,
          billable: e.billable,
          date: dayText(e.work_date),
        })),
        total: minutesText(t, total),
        billable: minutesText(t, billable),
      },
      today: new Date().toISOString().slice(0, 10),
      current: currentValues(ticket),
      ...state,
      values: { ...currentValues(ticket), visibility: 'public', billable: 'on', ...state.values },
    },
    status,
  );
}
