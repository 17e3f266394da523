import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { needs } from '../../identity/access.js';
import { actingUser } from '../../identity/access-plugin.js';
import { PERMISSIONS } from '../../identity/permissions.js';
import { authDeps } from '../../identity/ports.js';
import { inTransaction } from '../../identity/request-context.js';
import { effectivePermissions, lineage } from '../../identity/role-graph.js';
import { hasRecentAuth, requireRecentAuth } from '../../identity/session-plugin.js';
import type { AppError } from '../../shared/errors.js';
import { FormBody, type FormState, formField, handleForm, renderPage } from '../../web/forms.js';
import { wordsOf } from '../../web/page-context.js';
import { changeRole, createRole, removeRole } from './service.js';

const Name = Type.Object({ name: Type.String({ pattern: '^[a-z][a-z0-9_-]{1,39}$' }) });

/** Checkbox fields `permission` arrive as one string or a list. */
function checked(body: unknown): string[] {
  const value = (body as Record<string, unknown>).permission;
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
}

// Pages asked for without `Accept: text/html` (scripts, tests) have no page context: English.
const tr = (request: FastifyRequest) => wordsOf(request);

/** The roles page has no field errors: a refusal is one message, the first field's if it names one. */
const roleRefusal = (request: FastifyRequest) => (error: AppError) =>
  error.code === 'reauth_required'
    ? tr(request)('rbac:reauth.first')
    : (error.extras.errors?.[0]?.detail ?? error.message);

const reauthNotice = (request: FastifyRequest) =>
  (request.query as { reauth?: string } | undefined)?.reauth === 'failed'
    ? [{ type: 'error' as const, text: tr(request)('rbac:reauth.failed') }]
    : [];

/** The roles and permissions editor: list, create, edit, delete (custom roles). */
export const rbacWebRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const deps = authDeps(app.platform);

  async function page(request: FastifyRequest, reply: FastifyReply, state: FormState = {}, status = 200) {
    const graph = await app.roleGraph.get();
    return renderPage(
      request,
      reply,
      'pages/admin/roles.njk',
      {
        roles: Object.entries(graph.roles).map(([name, r]) => ({
          name,
          ...r,
          inherits: lineage(graph, name).slice(1).join(' → '),
          effective: effectivePermissions(graph, [name]).size,
        })),
        parents: Object.keys(graph.roles).map((r) => ({ value: r, label: r })),
        // The page describes each permission from the catalogue: `rbac:permissions.tickets.read.own`.
        permissions: Object.keys(PERMISSIONS).map((name) => ({ name, key: name.replaceAll(':', '.') })),
        needsReauth: !hasRecentAuth(request),
        ...state,
      },
      status,
    );
  }

  /** Runs one change; success goes back to the list, a refusal shows on it. */
  async function change(
    request: FastifyRequest,
    reply: FastifyReply,
    run: Parameters<typeof inTransaction<void>>[2],
    done: { key: 'created' | 'saved' | 'deleted'; name: string },
  ) {
    const pageAgain = (state: FormState, status: number) => page(request, reply, state, status);
    return handleForm(
      request,
      reply,
      pageAgain,
      {},
      async () => {
        requireRecentAuth(request);
        await inTransaction(deps, request, run);
        await app.roleGraph.invalidate();
        const text = tr(request)(`rbac:done.${done.key}`, { name: done.name });
        return page(request, reply, { messages: [{ type: 'success', text }] });
      },
      { messageFor: roleRefusal(request) },
    );
  }
  const actor = (request: FastifyRequest) => ({ userId: actingUser(request).id });

  app.get('/admin/roles', needs('roles:manage'), async (request, reply) =>
    page(request, reply, { messages: reauthNotice(request) }),
  );

  app.post(
    '/admin/roles',
    { ...needs('roles:manage'), schema: { body: FormBody } },
    async (request, reply) => {
      const name = formField(request.body, 'name');
      return change(
        request,
        reply,
        (ctx) =>
          createRole(ctx, actor(request), {
            name,
            parent: formField(request.body, 'parent'),
            description: formField(request.body, 'description'),
            permissions: checked(request.body),
          }),
        { key: 'created', name },
      );
    },
  );

  app.post(
    '/admin/roles/:name',
    { ...needs('roles:manage'), schema: { params: Name, body: FormBody } },
    async (request, reply) => {
      const { name } = request.params;
      const parent = formField(request.body, 'parent');
      return change(
        request,
        reply,
        (ctx) =>
          changeRole(ctx, actor(request), name, {
            description: formField(request.body, 'description'),
            permissions: checked(request.body),
            ...(parent ? { parent } : {}),
          }),
        { key: 'saved', name },
      );
    },
  );

  app.post(
    '/admin/roles/:name/delete',
    { ...needs('roles:manage'), schema: { params: Name, body: FormBody } },
    async (request, reply) =>
      change(request, reply, (ctx) => removeRole(ctx, actor(request), request.params.name), {
        key: 'deleted',
        name: request.params.name,
      }),
  );
};
