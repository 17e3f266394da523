import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { needs } from '../../identity/access.js';
import { authDeps } from '../../identity/ports.js';
import { inTransaction } from '../../identity/request-context.js';
import { changeCategory, createCategory } from './categories.js';
import { inTicketTransaction, ticketDeps } from './context.js';
import { assertVisible, seesAll } from './policy.js';
import { listCategories } from './repo/categories.js';
import { findTicket } from './repo/tickets.js';
import { listTimeEntries } from './repo/time-entries.js';
import { ticketActor } from './request-actor.js';
import { TicketParams } from './schemas.js';
import { deleteTimeEntry, logTime } from './time-entries.js';

const tags = ['tickets'];
const Uuid = Type.String({ format: 'uuid' });
const Category = Type.Object({
  id: Uuid,
  name: Type.String(),
  description: Type.String(),
  archived: Type.Boolean(),
});
const presentCategory = (c: { id: string; name: string; description: string; archived_at: Date | null }) => ({
  id: c.id,
  name: c.name,
  description: c.description,
  archived: c.archived_at !== null,
});
const TimeEntry = Type.Object({
  id: Uuid,
  agentId: Type.Union([Uuid, Type.Null()]),
  minutes: Type.Integer(),
  note: Type.String(),
  billable: Type.Boolean(),
  workDate: Type.String({ format: 'date' }),
  createdAt: Type.String({ format: 'date-time' }),
});

/** Ticket categories (admins manage, everyone who files tickets reads) and time logged by the team. */
export const ticketExtrasApiRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const deps = authDeps(app.platform);
  const db = app.platform.database.db;

  app.get(
    '/api/v1/categories',
    {
      ...needs('tickets:read:own', 'tickets:read:any'),
      schema: {
        tags,
        summary: 'Ticket categories (archived ones with ?archived=true, for the team)',
        querystring: Type.Object({
          archived: Type.Optional(
            Type.Boolean({ description: 'Include archived categories (the team only)' }),
          ),
        }),
        response: { 200: Type.Object({ items: Type.Array(Category) }) },
      },
    },
    async (request) => {
      const withArchived = request.query.archived === true && seesAll(ticketActor(request));
      return { items: (await listCategories(db, withArchived)).map(presentCategory) };
    },
  );

  app.post(
    '/api/v1/categories',
    {
      ...needs('categories:manage'),
      schema: {
        tags,
        summary: 'Add a category',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 80, examples: ['Hardware'] }),
            description: Type.Optional(Type.String({ maxLength: 500 })),
          },
          { examples: [{ name: 'Hardware', description: 'Laptops, printers and phones' }] },
        ),
        response: { 201: Category },
      },
    },
    async (request, reply) => {
      const row = await inTransaction(deps, request, (ctx) =>
        createCategory(ctx, request.actor!.user?.id ?? null, request.body),
      );
      return reply.code(201).send(presentCategory(row));
    },
  );

  app.patch(
    '/api/v1/categories/:id',
    {
      ...needs('categories:manage'),
      schema: {
        tags,
        summary: 'Rename, describe, archive or restore a category',
        params: Type.Object({ id: Type.String({ format: 'uuid', description: 'Its id' }) }),
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
            description: Type.Optional(Type.String({ maxLength: 500 })),
            archived: Type.Optional(Type.Boolean()),
          },
          { examples: [{ name: 'Hardware & peripherals' }, { archived: true }] },
        ),
        response: { 200: Category },
      },
    },
    async (request) =>
      presentCategory(
        await inTransaction(deps, request, (ctx) =>
          changeCategory(ctx, request.actor!.user?.id ?? null, request.params.id, request.body),
        ),
      ),
  );

  app.get(
    '/api/v1/tickets/:id/time-entries',
    {
      ...needs('tickets:read:any'),
      schema: {
        tags,
        summary: 'Time logged on a ticket (the team only)',
        params: TicketParams,
        response: {
          200: Type.Object({
            items: Type.Array(TimeEntry),
            totalMinutes: Type.Integer(),
            billableMinutes: Type.Integer(),
          }),
        },
      },
    },
    async (request) => {
      assertVisible(ticketActor(request), await findTicket(db, request.params.id));
      const rows = await listTimeEntries(db, request.params.id);
      const items = rows.map((r) => ({
        id: r.id,
        agentId: r.agent_id,
        minutes: r.minutes,
        note: r.note,
        billable: r.billable,
        workDate: r.work_date,
        createdAt: r.created_at.toISOString(),
      }));
      const sum = (list: typeof items) => list.reduce((total, e) => total + e.minutes, 0);
      return { items, totalMinutes: sum(items), billableMinutes: sum(items.filter((e) => e.billable)) };
    },
  );

  app.post(
    '/api/v1/tickets/:id/time-entries',
    {
      ...needs('tickets:update:any'),
      schema: {
        tags,
        summary: 'Log time on a ticket',
        params: TicketParams,
        body: Type.Object(
          {
            minutes: Type.Integer({ minimum: 1, maximum: 1440, examples: [25] }),
            note: Type.Optional(Type.String({ maxLength: 1000 })),
            billable: Type.Optional(Type.Boolean()),
            workDate: Type.Optional(Type.String({ format: 'date' })),
          },
          { examples: [{ minutes: 25, note: 'Remote session', billable: true, workDate: '2026-12-02' }] },
        ),
        response: { 201: Type.Object({ id: Uuid }) },
      },
    },
    async (request, reply) => {
      const entry = await inTicketTransaction(ticketDeps(app.platform), request, (ctx) =>
        logTime(ctx, ticketActor(request), request.params.id, request.body),
      );
      return reply.code(201).send({ id: entry.id });
    },
  );

  app.delete(
    '/api/v1/time-entries/:id',
    {
      ...needs('tickets:update:any'),
      schema: {
        tags,
        summary: 'Remove a time entry you logged',
        params: Type.Object({ id: Type.String({ format: 'uuid', description: 'Its id' }) }),
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await inTransaction(deps, request, (ctx) =>
        deleteTimeEntry(ctx, ticketActor(request), request.params.id),
      );
      return reply.code(204).send(null);
    },
  );
};
