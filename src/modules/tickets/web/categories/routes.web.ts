import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { needs } from '../../../../identity/access.js';
import { actingUser } from '../../../../identity/access-plugin.js';
import { authDeps } from '../../../../identity/ports.js';
import { inTransaction } from '../../../../identity/request-context.js';
import { AppError } from '../../../../shared/errors.js';
import { FormBody, type FormState, formField, renderPage } from '../../../../web/forms.js';
import { changeCategory, createCategory } from '../../categories.js';
import { listCategories } from '../../repo/categories.js';

const PAGE = 25;
const manage = needs('categories:manage');
const DONE = ['created', 'saved', 'archived', 'restored'] as const;
const Id = Type.Object({ id: Type.String({ format: 'uuid' }) });
const ListQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  done: Type.Optional(Type.String({ maxLength: 20 })),
  name: Type.Optional(Type.String({ maxLength: 100 })),
});

/** `/admin/categories`: the topics people choose when they ask for help; add, rename, archive, restore. */
export const categoryWebRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const deps = authDeps(app.platform);
  const t = (request: FastifyRequest) => request.page!.t;

  async function list(
    request: FastifyRequest,
    reply: FastifyReply,
    pageNumber: number,
    state: FormState = {},
    status = 200,
  ) {
    const all = await listCategories(deps.db, true);
    const pages = Math.max(1, Math.ceil(all.length / PAGE));
    // A refused change comes back on the page that holds its category, with the form open.
    const editing = (state.editing as { id?: string } | undefined)?.id;
    const at = editing ? all.findIndex((c) => c.id === editing) : -1;
    const current = at >= 0 ? Math.floor(at / PAGE) + 1 : Math.min(pageNumber, pages);
    const shown = all.slice((current - 1) * PAGE, current * PAGE);
    return renderPage(
      request,
      reply,
      'pages/categories/admin.njk',
      {
        categories: shown.map((c) => ({
          id: c.id,
          name: c.name,
          description: c.description,
          archived: c.archived_at !== null,
        })),
        total: all.length,
        page: current,
        pages,
        previous: current > 1 ? `/admin/categories?page=${current - 1}` : null,
        next: current < pages ? `/admin/categories?page=${current + 1}` : null,
        editing: null,
        ...state,
      },
      status,
    );
  }

  /** The use case's refusals in the viewer's words, next to the name field they are about. */
  function refused(request: FastifyRequest, error: unknown, name: string): FormState {
    if (!(error instanceof AppError)) throw error;
    const say = t(request);
    if (error.code === 'validation_failed')
      return { errors: { name: say('tickets:categories.errors.name') } };
    if (error.code === 'conflict')
      return { errors: { name: say('tickets:categories.errors.taken', { name }) } };
    if (error.code === 'not_found')
      return { messages: [{ type: 'error', text: say('tickets:categories.errors.missing') }] };
    throw error;
  }
  const statusOf = (error: unknown) => (error instanceof AppError ? error.status : 500);
  const actorId = (request: FastifyRequest) => actingUser(request).id;
  const done = (reply: FastifyReply, what: (typeof DONE)[number], name: string) =>
    reply.redirect(`/admin/categories?${new URLSearchParams({ done: what, name })}`, 303);

  app.get('/admin/categories', { ...manage, schema: { querystring: ListQuery } }, async (request, reply) => {
    const { done: what, name } = request.query;
    const doneKey = DONE.find((d) => d === what);
    const messages = doneKey
      ? [
          {
            type: 'success' as const,
            text: t(request)(`tickets:categories.done.${doneKey}`, { name: name ?? '' }),
          },
        ]
      : [];
    return list(request, reply, request.query.page ?? 1, { messages });
  });

  app.post('/admin/categories', { ...manage, schema: { body: FormBody } }, async (request, reply) => {
    const values = {
      name: formField(request.body, 'name'),
      description: formField(request.body, 'description'),
    };
    try {
      const row = await inTransaction(deps, request, (ctx) => createCategory(ctx, actorId(request), values));
      return done(reply, 'created', row.name);
    } catch (error) {
      return list(request, reply, 1, { values, ...refused(request, error, values.name) }, statusOf(error));
    }
  });

  app.post(
    '/admin/categories/:id',
    { ...manage, schema: { params: Id, body: FormBody } },
    async (request, reply) => {
      const { id } = request.params;
      const values = {
        name: formField(request.body, 'name'),
        description: formField(request.body, 'description'),
      };
      try {
        const row = await inTransaction(deps, request, (ctx) =>
          changeCategory(ctx, actorId(request), id, values),
        );
        return done(reply, 'saved', row.name);
      } catch (error) {
        const state = refused(request, error, values.name);
        return list(request, reply, 1, { ...state, editing: { id, ...values } }, statusOf(error));
      }
    },
  );

  for (const action of ['archive', 'restore'] as const)
    app.post(
      `/admin/categories/:id/${action}`,
      { ...manage, schema: { params: Id, body: FormBody } },
      async (request, reply) => {
        try {
          const row = await inTransaction(deps, request, (ctx) =>
            changeCategory(ctx, actorId(request), request.params.id, { archived: action === 'archive' }),
          );
          return done(reply, action === 'archive' ? 'archived' : 'restored', row.name);
        } catch (error) {
          return list(request, reply, 1, refused(request, error, ''), statusOf(error));
        }
      },
    );
};
