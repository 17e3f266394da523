import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../../../shared/errors.js';
import { type FormState, renderPage } from '../../../../web/forms.js';
import { readScope } from '../../policy.js';
import { customerSpokeLast, filteredViewCounts } from '../../repo/inbox.js';
import type { listTickets } from '../../repo/list.js';
import { ticketActor } from '../../request-actor.js';
import {
  type FIELDS,
  type InboxQuery,
  type InboxValues,
  inboxQueryString,
  parseInboxQuery,
} from './filters.js';
import { type Choices, loadChoices, lookupsFor } from './lookups.js';
import { pageOf, type Translate } from './page-text.js';
import { presentRow } from './present.js';

export const LIST_TEMPLATE = 'pages/inbox/list.njk';
export const RESULTS_TEMPLATE = 'pages/inbox/_live.njk';
const PAGE_SIZE = 25;

/** The views of the side column, in the order agents work through them. */
const VIEW_ORDER = ['open', 'unassigned', 'mine', 'waiting', 'resolved', 'all'] as const;

/** A cursor that decodes but names no real position (hand-edited) is a database cast error. */
const isBadInput = (error: unknown) => /^22/.test(String((error as { code?: unknown }).code ?? ''));

/** The filters in force as chips, each a link to the same list without it. */
function chipsFor(values: InboxValues, choices: Choices, t: Translate) {
  const labelOf = (list: readonly { value: string; label: string }[], value: string) =>
    list.find((o) => o.value === value)?.label ?? value;
  const shown: Partial<Record<(typeof FIELDS)[number], (v: string) => string>> = {
    q: (v) => v,
    status: (v) => labelOf(choices.statuses, v),
    priority: (v) => labelOf(choices.priorities, v),
    category: (v) => labelOf(choices.categories, v),
    assignee: (v) =>
      v === 'me'
        ? t('tickets:inbox.filters.me')
        : v === 'none'
          ? t('tickets:inbox.filters.nobody')
          : labelOf(choices.agents, v),
    channel: (v) => labelOf(choices.channels, v),
    tag: (v) => v,
    from: (v) => v,
    to: (v) => v,
  };
  const names: Record<string, string> = { q: 'words' };
  return Object.entries(shown).flatMap(([field, text]) => {
    const value = values[field as keyof InboxValues];
    if (!value) return [];
    const label = t(`tickets:inbox.filters.${names[field] ?? field}`);
    return [
      {
        field,
        text: t('tickets:inbox.filters.chip', { label, value: text(value) }),
        href: `/inbox?${inboxQueryString({ ...values, [field]: '' })}`,
      },
    ];
  });
}

async function results(request: FastifyRequest, query: InboxQuery, choices: Choices, t: Translate) {
  const { db } = request.server.platform.database;
  const actor = ticketActor(request);
  // Kept and dropped with the lists: every open inbox reloads its counts after each change.
  const lists = request.server.ticketLists;
  const { view: _view, ...kept } = query.values;
  const { view: _filterView, ...filters } = query.filters;
  const valid = Object.keys(query.errors).length === 0;
  const counts = valid
    ? await lists.derived(`view-counts:${JSON.stringify([actor.userId, filters])}`, () =>
        filteredViewCounts(db, readScope(actor), filters),
      )
    : null;
  const views = VIEW_ORDER.map((view) => ({
    view,
    label: t(`tickets:inbox.views.${view}`),
    count: counts ? counts[view] : null,
    href: `/inbox?${inboxQueryString({ ...kept, view })}`,
    current: view === query.view,
  }));
  const base = {
    views,
    total: counts ? counts[query.view] : null,
    chips: chipsFor(query.values, choices, t),
    rows: [] as ReturnType<typeof presentRow>[],
    next: null as string | null,
    first: null as string | null,
    errors: query.errors,
    messages: [] as { type: 'error'; text: string }[],
  };
  if (!valid) return { ...base, status: 400 };
  let page: Awaited<ReturnType<typeof listTickets>>;
  try {
    page = await lists.list(db, actor, query.filters, {
      limit: PAGE_SIZE,
      sort: query.sort,
      ...(query.cursor ? { cursor: query.cursor } : {}),
    });
  } catch (error) {
    if (!(error instanceof AppError) && !isBadInput(error)) throw error;
    const text = t('tickets:inbox.errors.brokenPage');
    return { ...base, status: 400, messages: [{ type: 'error' as const, text }] };
  }
  const [look, spoke] = await Promise.all([
    lookupsFor(
      request.server,
      choices,
      page.items.flatMap((row) => [row.requester_id, row.assignee_id]),
      t,
    ),
    customerSpokeLast(
      db,
      page.items.map((row) => row.id),
    ),
  ]);
  const qs = inboxQueryString(query.values);
  return {
    ...base,
    status: 200,
    rows: page.items.map((row) => presentRow(row, look, spoke.has(row.id))),
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
  const { t } = await pageOf(request, reply);
  const choices = await loadChoices(request.server, t);
  const query = parseInboxQuery(
    rawQuery,
    choices.statuses.map((s) => s.value),
    t,
    request.server.platform.config.SEARCH_LANGUAGE,
  );
  const found = await results(request, query, choices, t);
  const resultsUrl = `/inbox/list?${inboxQueryString(query.values, query.cursor ? { cursor: query.cursor } : {})}`;
  const state: FormState = {
    ...found,
    values: query.values,
    choices,
    resultsUrl,
    returnTo: resultsUrl.slice('/inbox/list?'.length),
    // Closed unless something in it needs fixing: the chips say what is in force.
    filtersOpen: Object.keys(query.errors).some((field) => field !== 'q' && field !== 'view'),
    active: 'inbox',
    messages: [...found.messages, ...(options.state?.messages ?? [])],
    bulk: options.state?.bulk ?? null,
  };
  const status = options.status ?? found.status;
  if (options.fragment) return reply.code(status).view(RESULTS_TEMPLATE, state);
  return renderPage(request, reply, LIST_TEMPLATE, state, status);
}
