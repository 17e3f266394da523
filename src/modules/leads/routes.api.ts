import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { needs } from '../../identity/access.js';
import { auditActor } from '../../identity/access-plugin.js';
import { inTransaction } from '../../identity/request-context.js';
import { runAsSystem } from '../../platform/db/actor-context.js';
import { notFound } from '../../shared/errors.js';
import { leadDeps } from './context.js';
import { convertLead } from './convert.js';
import { sendLeadsCsv } from './csv-reply.js';
import { addNote, changeLead, removeLead } from './pipeline.js';
import { findLead, listLeads, listNotes } from './repo.js';
import { filterOf, Lead, LeadParams, LeadQuery, Note, PAGE_SIZE, presentLead, Stage } from './schemas.js';

const tags = ['leads'];
const read = needs('leads:read');
const manage = needs('leads:manage');

/** The leads pipeline as JSON (`leads:read` to read and export, `leads:manage` to change). */
export const leadApiRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const deps = leadDeps(app.platform);
  const db = deps.db;
  const one = async (id: string) => {
    const lead = await findLead(db, id);
    if (!lead) throw notFound('No lead with this id.');
    return presentLead(lead);
  };

  app.get(
    '/api/v1/leads',
    {
      ...read,
      schema: {
        tags,
        summary: 'Leads, newest first, by stage, owner and text; 25 a page',
        querystring: LeadQuery,
        response: {
          200: Type.Object({
            items: Type.Array(Lead),
            total: Type.Integer(),
            page: Type.Integer(),
            pageSize: Type.Integer(),
          }),
        },
      },
    },
    async (request) => {
      const page = request.query.page ?? 1;
      const { items, total } = await listLeads(db, filterOf(request.query), {
        offset: (page - 1) * PAGE_SIZE,
        limit: PAGE_SIZE,
      });
      return { items: items.map(presentLead), total, page, pageSize: PAGE_SIZE };
    },
  );

  app.get(
    '/api/v1/leads/export',
    {
      ...read,
      schema: {
        tags,
        summary: 'Every matching lead as CSV (cells that would run as a formula are quoted as text; logged)',
        querystring: LeadQuery,
      },
    },
    (request, reply) => sendLeadsCsv(request, reply, filterOf(request.query)),
  );

  app.get(
    '/api/v1/leads/:id',
    {
      ...read,
      schema: {
        tags,
        summary: 'One lead with its notes',
        params: LeadParams,
        response: { 200: Type.Object({ ...Lead.properties, notes: Type.Array(Note) }) },
      },
    },
    async (request) => {
      const lead = await one(request.params.id);
      const notes = await listNotes(db, lead.id);
      return {
        ...lead,
        notes: notes.map((n) => ({
          id: n.id,
          body: n.body,
          authorId: n.author_id,
          authorName: n.author_name,
          createdAt: n.created_at.toISOString(),
        })),
      };
    },
  );

  app.patch(
    '/api/v1/leads/:id',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Move a lead in the pipeline and/or give it an owner (null: nobody); audited',
        params: LeadParams,
        body: Type.Object(
          {
            stage: Type.Optional(Stage),
            ownerId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
          },
          { minProperties: 1, examples: [{ stage: 'contacted' }] },
        ),
        response: { 200: Lead },
      },
    },
    async (request) => {
      await inTransaction(deps, request, (ctx) =>
        changeLead(ctx, auditActor(request), request.params.id, request.body),
      );
      return one(request.params.id);
    },
  );

  app.post(
    '/api/v1/leads/:id/notes',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Add a note to a lead',
        params: LeadParams,
        body: Type.Object({ body: Type.String({ minLength: 1, maxLength: 5000 }) }),
        response: {
          201: Type.Object({ id: Type.String(), createdAt: Type.String({ format: 'date-time' }) }),
        },
      },
    },
    async (request, reply) => {
      const note = await inTransaction(deps, request, (ctx) =>
        addNote(ctx, auditActor(request), request.params.id, request.body.body),
      );
      return reply.code(201).send({ id: note.id, createdAt: note.created_at.toISOString() });
    },
  );

  app.post(
    '/api/v1/leads/:id/convert',
    {
      ...manage,
      schema: {
        tags,
        summary:
          'Make the lead a customer (the account for its address, else a pending one) with a first ticket',
        params: LeadParams,
        response: {
          201: Type.Object({
            customerId: Type.String(),
            ticketId: Type.String(),
            ticketKey: Type.String(),
            newAccount: Type.Boolean(),
          }),
        },
      },
    },
    async (request, reply) => {
      // As the system, on the authority of leads:manage (see the lead page's convert form).
      const converted = await runAsSystem(() =>
        inTransaction(deps, request, (ctx) => convertLead(deps, ctx, auditActor(request), request.params.id)),
      );
      return reply.code(201).send(converted);
    },
  );

  app.delete(
    '/api/v1/leads/:id',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Delete a lead and its notes; audited',
        params: LeadParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await inTransaction(deps, request, (ctx) => removeLead(ctx, auditActor(request), request.params.id));
      return reply.code(204).send(null);
    },
  );
};
