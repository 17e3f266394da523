import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../../../shared/errors.js';
import { type FormState, renderPage } from '../../../../web/forms.js';
import { mineCount, teamViewCounts } from '../../repo/inbox.js';
import type { listTickets } from '../../repo/list.js';
import { ticketActor } from '../../request-actor.js';
import { type InboxQuery, inboxQueryString, parseInboxQuery } from './filters.js';
import { type Choices, loadChoices, lookupsFor } from './lookups.js';
import { presentRow } from './present.js';

export const LIST_TEMPLATE = 'pages/inbox/list.njk';
export const RESULTS_TEMPLATE = 'pages/inbox/_results.njk';
const PAGE_SIZE = 25;

const TABS = [
  { view: 'unassigned', label: 'Unassigned' },
  { view: 'mine', label: 'Mine' },
  { view: 'open', label: 'All open' },
  { view: 'waiting', label: 'Waiting' },
  { view: 'resolved', label: 'Recently resolved' },
  { view: 'all', label: 'All tickets' },
] as const;

/** A cursor that decodes but names no real position (hand-edited) is a database cast error. */
const isBadInput = (error: unknown) => /^22/.test(String((error as { code?: unknown }).code ?? ''));

async function results(request: FastifyRequest, query: InboxQuery, choices: Choices) {
  const { db } = request.server.platform.database;
  const actor = ticketActor(request);
  // Kept and dropped with the lists: every open inbox reloads its counts after each change.
  const lists = request.server.ticketLists;
  const counts = {
    ...(await lists.derived('view-counts:team', () => teamViewCounts(db))),
    ...(await lists.derived(`view-counts:mine:${actor.userId}`, () => mineCount(db, actor.userId))),
  };
  const { view: _, ...kept } = query.values;
  const tabs = TABS.map((tab) => ({
    ...tab,
    count: tab.view === 'all' ? null : counts[tab.view],
    href: `/inbox?${inboxQueryString({ ...kept, view: tab.view })}`,
    current: tab.view === query.view,
  }));
  const base = {
    tabs,
    rows: [] as ReturnType<typeof presentRow>[],
    next: null as string | null,
    first: null as string | null,
    errors: query.errors,
    messages: [] as { type: 'error'; text: string }[],
  };
  if (Object.keys(query.errors).length > 0) return { ...base, status: 400 };
  let page: Awaited<ReturnType<typeof listTickets>>;
  try {
    page = await lists.list(db, actor, query.filters, {
      limit: PAGE_SIZE,
      sort: query.sort,
      ...(query.cursor ? { cursor: query.cursor } : {}),
    });
  } catch (error) {
    if (!(error instanceof AppError) && !isBadInput(error)) throw error;
    const text = 'That page link is broken. Start again from the first page.';
    return { ...base, status: 400, messages: [{ type: 'error' as const, text }] };
  }
  const look = await lookupsFor(
    request.server,
    choices,
    page.items.flatMap((t) => [t.requester_id, t.assignee_id]),
  );
  const qs = inboxQueryString(query.values);
  return {
    ...base,
    status: 200,
    rows: page.items.map((t) => presentRow(t, look)),
    next: page.nextCursor ? `/inbox?${inboxQueryString(query.values, { cursor: page.nextCursor })}` : null,
    first: query.cursor ? `/inbox?${qs}` : null,
  };
}

/** The inbox page (or just its live region), for this query; `state` adds messages such as bulk results. */
export async function renderInbox(
  request: FastifyRequest,
  reply: FastifyReply,
  rawQuery: unknown,
  options: { fragment?: boolean; state?: FormState; status?: number } = {},
) {
  const choices = await loadChoices(request.server);
  const query = parseInboxQuery(
    rawQuery,
    choices.statuses.map((s) => s.value),
  );
  const found = await results(request, query, choices);
  const resultsUrl = `/inbox/list?${inboxQueryString(query.values, query.cursor ? { cursor: query.cursor } : {})}`;
  const state: FormState = {
    ...found,
    values: query.values,
    choices,
    resultsUrl,
    returnTo: resultsUrl.slice('/inbox/list?'.length),
    active: 'inbox',
    messages: [...found.messages, ...(options.state?.messages ?? [])],
    bulk: options.state?.bulk ?? null,
  };
  const status = options.status ?? found.status;
  if (options.fragment) return reply.code(status).view(RESULTS_TEMPLATE, state);
  return renderPage(request, reply, LIST_TEMPLATE, state, status);
}
