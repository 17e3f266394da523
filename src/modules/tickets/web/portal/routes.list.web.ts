import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { needs } from '../../../../identity/access.js';
import type { TicketFilters } from '../../list-filters.js';
import { readScope, type TicketActor } from '../../policy.js';
import { searchTickets } from '../../repo/search.js';
import { ticketActor } from '../../request-actor.js';
import { presentTicketPage, statusTable } from '../present.js';

/** What the status filter offers customers: the work still going on, or what is done. */
const STATES = ['', 'active', 'resolved', 'closed'] as const;
/** Message keys under `tickets:portal.list.states`. */
const STATE_LABELS = { '': 'all', active: 'active', resolved: 'resolved', closed: 'closed' };
const PAGE = 20;

/**
 * The person as a requester only: even for the team, "My tickets" lists and searches the requests
 * they opened themselves (their inbox is elsewhere). The list and search code then filters by them.
 */
const asRequester = (actor: TicketActor): TicketActor => ({ userId: actor.userId, permissions: new Set() });

const Query = Type.Object({
  state: Type.Optional(Type.String({ maxLength: 20 })),
  q: Type.Optional(Type.String({ maxLength: 200 })),
  cursor: Type.Optional(Type.String({ maxLength: 300 })),
});

/**
 * "My tickets": the requests the signed-in person opened, newest first, filtered by state or
 * found by words in them. htmx asks for the list alone (HX-Request) when a live update comes in.
 */
/** htmx asks for the list alone (HX-Request) when a live update comes in. */
const templateOf = (request: FastifyRequest) =>
  request.headers['hx-request'] === 'true' ? 'pages/portal/_list.njk' : 'pages/portal/list.njk';

type Listed = {
  tickets: ReturnType<typeof presentTicketPage>[];
  snippets: Record<string, string | null>;
  state: (typeof STATES)[number];
  q: string;
  nextCursor: string | null;
};

/** What the list templates show: the rows, the filter form, and links to the pages around. */
function listContext(request: FastifyRequest, cursor: string | undefined, listed: Listed) {
  const { state, q, nextCursor } = listed;
  const base = { ...(state ? { state } : {}), ...(q ? { q } : {}) };
  const url = (extra: Record<string, string> = {}) =>
    `/tickets?${new URLSearchParams({ ...base, ...extra })}`;
  return {
    tickets: listed.tickets,
    snippets: listed.snippets,
    state,
    q,
    states: STATES.map((value) => ({
      value,
      label: request.page!.t(`tickets:portal.list.states.${STATE_LABELS[value]}`),
    })),
    next: nextCursor ? url({ cursor: nextCursor }) : null,
    first: cursor ? url() : null,
    listUrl: url(cursor ? { cursor } : {}),
    active: 'tickets',
  };
}

export const portalListRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.platform.database.db;

  app.get(
    '/tickets',
    { ...needs('tickets:read:own'), schema: { querystring: Query } },
    async (request, reply) => {
      const actor = ticketActor(request);
      const requester = asRequester(actor);
      // The workflow's statuses change with the lists' notice, so they are kept with them.
      const statuses = await app.ticketLists.derived('workflow-statuses', () => statusTable(db));
      const state = STATES.find((s) => s === request.query.state) ?? '';
      const q = (request.query.q ?? '').trim();
      if (q) {
        const hits = await searchTickets(db, readScope(requester), q, {
          language: app.platform.config.SEARCH_LANGUAGE,
          limit: 50,
        });
        const tickets = hits
          .map((h) => presentTicketPage(h.ticket, statuses))
          .filter((t) => !state || (state === 'active' ? !t.done : t.statusKind === state));
        const snippets = Object.fromEntries(hits.map((h) => [h.ticket.id, h.snippetHtml]));
        return reply.view(
          templateOf(request),
          listContext(request, request.query.cursor, { tickets, snippets, state, q, nextCursor: null }),
        );
      }
      const filters: TicketFilters = {};
      if (state === 'active') filters.view = 'open';
      else if (state)
        filters.status = [...statuses].filter(([, s]) => s.kind === state).map(([name]) => name);
      const page = await app.ticketLists.list(db, requester, filters, {
        limit: PAGE,
        ...(request.query.cursor ? { cursor: request.query.cursor } : {}),
      });
      // The list and the statuses are dropped together (ticketLists), so the kept list is the
      // version of everything this page shows: rendered once per version, viewer and URL.
      return app.viewerPages.send(request, reply, {
        template: templateOf(request),
        source: page,
        data: () =>
          listContext(request, request.query.cursor, {
            tickets: page.items.map((t) => presentTicketPage(t, statuses)),
            snippets: {},
            state,
            q,
            nextCursor: page.nextCursor,
          }),
      });
    },
  );
};
