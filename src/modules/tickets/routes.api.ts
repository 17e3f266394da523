import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { needs } from '../../identity/access.js';
import { idempotent } from '../../platform/http/idempotency.js';
import { sendSerialized, serializeFor } from '../../platform/http/pre-serialized.js';
import { AppError } from '../../shared/errors.js';
import { attachmentsByMessage, withAttachments } from './attachments/service.js';
import { inTicketTransaction, ticketDeps } from './context.js';
import { assertVisible, readScope, seesAll } from './policy.js';
import { listEvents } from './repo/events.js';
import { listMessages } from './repo/messages.js';
import { searchTickets } from './repo/search.js';
import { findTicket } from './repo/tickets.js';
import { ticketActor } from './request-actor.js';
import {
  EventList,
  IdempotencyHeaders,
  IfMatchHeaders,
  ListQuery,
  MessageCreated,
  MessageList,
  NewMessageBody,
  NewTicketBody,
  presentMessage,
  presentTicket,
  SearchQuery,
  SearchResults,
  Ticket,
  TicketChangesBody,
  TicketPage,
  TicketParams,
} from './schemas.js';
import { addMessage, changeTicket, openTicket } from './service.js';
import type { Priority } from './table.js';

const tags = ['tickets'];
const READ = needs('tickets:read:own', 'tickets:read:any');
const REPLY = needs('tickets:update:own', 'tickets:update:any');

/** Where a message came from: an app or integration (token), or the web (a browser session). */
const channelOf = (request: FastifyRequest) => (request.tokenPrincipal ? 'api' : 'web') as 'api' | 'web';
const list = (value: string | undefined) =>
  value
    ?.split(',')
    .map((v) => v.trim())
    .filter(Boolean);

/** `If-Match: "7"` (or W/"7") names the version a change is based on; without it, 428. */
function expectedVersion(request: FastifyRequest): number {
  const header = request.headers['if-match'];
  const match = typeof header === 'string' ? /^(?:W\/)?"(\d+)"$/.exec(header.trim()) : null;
  if (!match) throw new AppError('precondition_required');
  return Number(match[1]);
}
const etag = (version: number) => `"${version}"`;
/** The JSON of each list page the list cache keeps, for as long as it keeps it. */
const serializedPages = new WeakMap<object, string>();

export const ticketApiRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const deps = ticketDeps(app.platform);
  const db = app.platform.database.db;

  app.get(
    '/api/v1/tickets',
    {
      ...READ,
      schema: {
        tags,
        summary: 'Tickets, newest first (customers see their own); keyset pages',
        querystring: ListQuery,
        response: {
          200: TicketPage,
        },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const page = await app.ticketLists.list(
        db,
        ticketActor(request),
        {
          ...(q.view ? { view: q.view } : {}),
          ...(q.status ? { status: list(q.status)! } : {}),
          ...(q.priority ? { priority: list(q.priority) as Priority[] } : {}),
          ...(q.category ? { categoryId: q.category } : {}),
          ...(q.assignee ? { assignee: q.assignee } : {}),
          ...(q.requester ? { requesterId: q.requester } : {}),
          ...(q.channel ? { channel: q.channel } : {}),
          ...(q.tag ? { tag: q.tag.toLowerCase() } : {}),
          ...(q.createdFrom ? { createdFrom: new Date(q.createdFrom) } : {}),
          ...(q.createdTo ? { createdTo: new Date(q.createdTo) } : {}),
        },
        {
          limit: q.limit ?? 25,
          ...(q.cursor ? { cursor: q.cursor } : {}),
          ...(q.sort ? { sort: q.sort } : {}),
        },
      );
      // A kept page is one shared object until a change drops it: it is serialized once, not
      // once per request (a string with a JSON content type is sent as it is).
      let body = serializedPages.get(page);
      if (body === undefined) {
        body = serializeFor(reply, { items: page.items.map(presentTicket), nextCursor: page.nextCursor });
        serializedPages.set(page, body);
      }
      return sendSerialized(reply, body);
    },
  );

  app.get(
    '/api/v1/tickets/search',
    {
      ...READ,
      schema: {
        tags,
        summary: 'Full-text search over subjects and messages, best first, with highlighted snippets',
        querystring: SearchQuery,
        response: {
          200: SearchResults,
        },
      },
    },
    async (request) => {
      const hits = await searchTickets(db, readScope(ticketActor(request)), request.query.q, {
        language: app.platform.config.SEARCH_LANGUAGE,
        limit: request.query.limit ?? 20,
      });
      return { items: hits.map((h) => ({ ...h, ticket: presentTicket(h.ticket) })) };
    },
  );

  app.post(
    '/api/v1/tickets',
    {
      ...needs('tickets:create'),
      schema: {
        tags,
        summary: 'Open a ticket; send an Idempotency-Key to retry safely',
        headers: IdempotencyHeaders,
        body: NewTicketBody,
        response: { 201: Ticket },
      },
    },
    async (request, reply) => {
      const actor = ticketActor(request);
      const owner = actor.userId ?? `client:${request.actor!.clientId}`;
      const result = await inTicketTransaction(deps, request, (ctx) =>
        idempotent(ctx.trx, owner, request.headers['idempotency-key'], request.body, async () => {
          const body = request.body;
          const ticket = await openTicket(ctx, actor, {
            subject: body.subject,
            body: body.body,
            channel: channelOf(request),
            language: app.platform.config.SEARCH_LANGUAGE,
            ...(body.priority ? { priority: body.priority } : {}),
            ...(body.categoryId !== undefined ? { categoryId: body.categoryId } : {}),
            ...(body.tags ? { tags: body.tags } : {}),
            ...(body.requesterId ? { requesterId: body.requesterId } : {}),
            ...withAttachments(app.platform.config, body.attachmentIds),
          });
          return { status: 201, body: presentTicket(ticket) };
        }),
      );
      const ticket = result.body as ReturnType<typeof presentTicket>;
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(201).header('etag', etag(ticket.version)).send(ticket);
    },
  );

  app.get(
    '/api/v1/tickets/:id',
    {
      ...READ,
      schema: {
        tags,
        summary: 'One ticket (its ETag is its version)',
        params: TicketParams,
        response: { 200: Ticket },
      },
    },
    async (request, reply) => {
      const ticket = assertVisible(ticketActor(request), await findTicket(db, request.params.id));
      return reply.header('etag', etag(ticket.version)).send(presentTicket(ticket));
    },
  );

  app.patch(
    '/api/v1/tickets/:id',
    {
      ...REPLY,
      schema: {
        tags,
        summary: 'Change status, priority, category, assignee or tags (needs If-Match; 412 when stale)',
        params: TicketParams,
        headers: IfMatchHeaders,
        body: TicketChangesBody,
        response: { 200: Ticket },
      },
    },
    async (request, reply) => {
      const version = expectedVersion(request);
      const ticket = await inTicketTransaction(deps, request, (ctx) =>
        changeTicket(ctx, ticketActor(request), request.params.id, version, request.body),
      );
      return reply.header('etag', etag(ticket.version)).send(presentTicket(ticket));
    },
  );

  app.get(
    '/api/v1/tickets/:id/messages',
    {
      ...READ,
      schema: {
        tags,
        summary: 'The thread, oldest first (internal notes for the team only)',
        params: TicketParams,
        response: { 200: MessageList },
      },
    },
    async (request) => {
      const actor = ticketActor(request);
      assertVisible(actor, await findTicket(db, request.params.id));
      const messages = await listMessages(db, request.params.id, seesAll(actor));
      const files = await attachmentsByMessage(
        db,
        messages.map((m) => m.id),
      );
      return { items: messages.map((m) => presentMessage({ ...m, attachments: files.get(m.id) ?? [] })) };
    },
  );

  app.post(
    '/api/v1/tickets/:id/messages',
    {
      ...REPLY,
      schema: {
        tags,
        summary: 'Reply, or (the team) add an internal note; a requester’s reply reopens a resolved ticket',
        params: TicketParams,
        body: NewMessageBody,
        response: { 201: MessageCreated },
      },
    },
    async (request, reply) => {
      const created = await inTicketTransaction(deps, request, (ctx) =>
        addMessage(ctx, ticketActor(request), request.params.id, {
          body: request.body.body,
          channel: channelOf(request),
          ...(request.body.visibility ? { visibility: request.body.visibility } : {}),
          ...(request.body.replyToId !== undefined ? { replyToId: request.body.replyToId } : {}),
          ...withAttachments(app.platform.config, request.body.attachmentIds),
        }),
      );
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/api/v1/tickets/:id/events',
    {
      ...READ,
      schema: {
        tags,
        summary: 'The timeline: creation and every change of status, assignee, priority, category and tags',
        params: TicketParams,
        response: {
          200: EventList,
        },
      },
    },
    async (request) => {
      const actor = ticketActor(request);
      assertVisible(actor, await findTicket(db, request.params.id));
      const events = await listEvents(db, request.params.id, seesAll(actor));
      return {
        items: events.map((e) => ({
          kind: e.kind,
          from: e.from_value,
          to: e.to_value,
          actorId: e.actor_id,
          actorName: e.actor_name,
          at: e.created_at.toISOString(),
        })),
      };
    },
  );
};
