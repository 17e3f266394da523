import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { needs, SIGNED_IN } from '../../../identity/access.js';
import { actingUser } from '../../../identity/access-plugin.js';
import { authDeps } from '../../../identity/ports.js';
import { inTransaction } from '../../../identity/request-context.js';
import { hasRecentAuth, requireRecentAuth } from '../../../identity/session-plugin.js';
import { findUserById, searchUsers } from '../../../identity/users/repo.js';
import { AppError } from '../../../shared/errors.js';
import { FormBody, type FormState, formField, handleForm, renderPage } from '../../../web/forms.js';
import { preparePage, wordsOf } from '../../../web/page-context.js';
import { confirmedFactors, confirmPassword } from '../../auth/index.js';
import { setUserRoles } from '../../rbac/index.js';
import { type Actor, disableUser, enableUser, endUserSessions, inviteUser, resetUserMfa } from './service.js';

const PAGE = 50;
const STATUSES = ['active', 'disabled', 'pending_verification'] as const;
const ListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 100 })),
  role: Type.Optional(Type.String({ maxLength: 40 })),
  status: Type.Optional(Type.String({ maxLength: 40 })),
  after: Type.Optional(Type.String({ maxLength: 254 })),
});
const Id = Type.Object({ id: Type.String({ format: 'uuid' }) });
const ACTIONS = ['end-sessions', 'disable', 'enable', 'reset-mfa', 'roles'] as const;

/** The users section of the admin panel: find people, invite them, and act on one account. */
export const adminUserWebRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const deps = authDeps(app.platform);
  // Pages asked for without `Accept: text/html` (scripts, tests) have no page context: English.
  const t = (request: FastifyRequest) => wordsOf(request);
  /** The password re-confirmation's refusals, in the viewer's words. */
  const confirmFirst = (request: FastifyRequest) => (error: AppError) =>
    error.code === 'reauth_required' ? t(request)('admin:reauth.first') : undefined;
  const reauthNotice = (request: FastifyRequest) =>
    (request.query as { reauth?: string } | undefined)?.reauth === 'failed'
      ? [{ type: 'error' as const, text: t(request)('admin:reauth.failed') }]
      : [];
  /** The use cases speak English to the API and the CLI; the page says the same in the viewer's language. */
  const translated = (request: FastifyRequest, state: FormState): FormState => {
    const say = t(request);
    const errors = { ...state.errors };
    if (errors.email) errors.email = say('admin:errors.email');
    if (errors.reason) errors.reason = say('admin:errors.reason');
    const messages = (state.messages ?? []).map((m) => {
      const exists = /^(\S+@\S+) already has an account\.$/.exec(m.text);
      if (exists) return { ...m, text: say('admin:errors.exists', { email: exists[1] }) };
      if (m.text === 'You cannot disable your own account.')
        return { ...m, text: say('admin:errors.ownAccount') };
      return m;
    });
    return { ...state, errors, messages };
  };
  const roleOptions = async () =>
    Object.keys((await app.roleGraph.get()).roles).map((r) => ({ value: r, label: r }));
  const can = (request: FastifyRequest, permission: string) =>
    request.actor?.permissions.has(permission) ?? false;

  app.get(
    '/admin/users',
    { ...needs('users:read'), schema: { querystring: ListQuery } },
    async (request, reply) => {
      const { q, role, after } = request.query;
      const status = STATUSES.find((s) => s === request.query.status);
      const say = (await preparePage(request, reply)).t;
      const rows = await searchUsers(deps.db, {
        limit: PAGE,
        ...(q ? { q } : {}),
        ...(role ? { role } : {}),
        ...(status ? { status } : {}),
        ...(after ? { after } : {}),
      });
      const page = rows.slice(0, PAGE);
      const kept = new URLSearchParams(
        Object.entries({ q, role, status }).filter((e): e is [string, string] => Boolean(e[1])),
      );
      return renderPage(request, reply, 'pages/admin/users.njk', {
        filters: { q: q ?? '', role: role ?? '', status: status ?? '' },
        roleOptions: await roleOptions(),
        canInvite: can(request, 'users:invite'),
        users: page.map((u) => ({
          href: `/admin/users/${u.id}`,
          email: u.email,
          name: u.display_name,
          roles: u.roles.join(', '),
          status: say(`admin:status.${u.status}`),
        })),
        newest: after ? `/admin/users?${kept}` : null,
        older:
          rows.length > PAGE
            ? `/admin/users?${new URLSearchParams([...kept, ['after', page[page.length - 1]!.email]])}`
            : null,
      });
    },
  );

  const invitePage = async (request: FastifyRequest, reply: FastifyReply, state: FormState, status = 200) =>
    renderPage(
      request,
      reply,
      'pages/admin/invite.njk',
      { role: 'customer', roleOptions: await roleOptions(), needsReauth: !hasRecentAuth(request), ...state },
      status,
    );

  app.post(
    '/admin/users/invite',
    { ...needs('users:invite'), schema: { body: FormBody } },
    async (request, reply) => {
      const values = {
        email: formField(request.body, 'email'),
        displayName: formField(request.body, 'displayName'),
      };
      const role = formField(request.body, 'role') || 'customer';
      const inviteAgain = (state: FormState, status: number) =>
        invitePage(request, reply, translated(request, state), status);
      return handleForm(
        request,
        reply,
        inviteAgain,
        { values, role },
        async () => {
          requireRecentAuth(request);
          const user = await inTransaction(deps, request, (ctx) =>
            inviteUser(deps, ctx, actorOf(request), { ...values, roles: [role] }),
          );
          return reply.redirect(`/admin/users/${user.id}?done=invited`, 303);
        },
        { messageFor: confirmFirst(request) },
      );
    },
  );
  app.get('/admin/users/invite', needs('users:invite'), async (request, reply) =>
    invitePage(request, reply, { messages: reauthNotice(request) }),
  );

  async function detail(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    state: FormState = {},
    status = 200,
  ) {
    const user = await findUserById(deps.db, id);
    if (!user) throw new AppError('not_found', 'No such user.');
    const graph = await app.roleGraph.get();
    return renderPage(
      request,
      reply,
      'pages/admin/user.njk',
      {
        user,
        factors: (await confirmedFactors(deps.db, user.id)).map((f) => f.label),
        sessions: (await deps.sessions.listByUser(user.id)).length,
        roles: Object.entries(graph.roles).map(([name, r]) => ({
          name,
          description: r.description,
          held: user.roles.includes(name),
        })),
        canManage: can(request, 'users:manage'),
        canChangeRoles: can(request, 'roles:manage'),
        needsReauth: !hasRecentAuth(request),
        ...state,
      },
      status,
    );
  }

  app.get(
    '/admin/users/:id',
    {
      ...needs('users:read'),
      schema: {
        params: Id,
        querystring: Type.Object({
          done: Type.Optional(Type.String({ maxLength: 40 })),
          reauth: Type.Optional(Type.String({ maxLength: 10 })),
        }),
      },
    },
    async (request, reply) => {
      const done = DONE.find((d) => d === request.query.done);
      const text = done ? t(request)(`admin:done.${done}`) : undefined;
      return detail(request, reply, request.params.id, {
        messages: [...(text ? [{ type: 'success' as const, text }] : []), ...reauthNotice(request)],
      });
    },
  );

  for (const action of ACTIONS) {
    const permission = action === 'roles' ? 'roles:manage' : 'users:manage';
    app.post(
      `/admin/users/:id/${action}`,
      { ...needs(permission), schema: { params: Id, body: FormBody } },
      async (request, reply) => {
        const { id } = request.params;
        const detailAgain = (state: FormState, status: number) =>
          detail(request, reply, id, translated(request, state), status);
        return handleForm(
          request,
          reply,
          detailAgain,
          {},
          async () => {
            requireRecentAuth(request);
            const actor = actorOf(request);
            await inTransaction(deps, request, async (ctx) => {
              if (action === 'end-sessions') await endUserSessions(deps, ctx, actor, id);
              else if (action === 'disable') await disableUser(deps, ctx, actor, id);
              else if (action === 'enable') await enableUser(deps, ctx, actor, id);
              else if (action === 'reset-mfa')
                await resetUserMfa(deps, ctx, actor, id, formField(request.body, 'reason'));
              else await setUserRoles(ctx, actor, id, checkedRoles(request.body));
            });
            return reply.redirect(`/admin/users/${id}?done=${action}`, 303);
          },
          { messageFor: confirmFirst(request), passThrough: ['not_found'] },
        );
      },
    );
  }

  app.post(
    '/admin/reauth',
    // Confirming one's own password: any signed-in user; the pages it returns to check their own access.
    { ...SIGNED_IN, schema: { body: FormBody } },
    async (request, reply) => {
      const next = formField(request.body, 'next');
      const back = /^\/admin\/[\w/-]*$/.test(next) ? next : '/admin/users';
      // Under the sign-in back-off (429) the form comes back here with the wait, not the error page.
      return handleForm(
        request,
        reply,
        'pages/admin/reauth.njk',
        { next: back },
        async () => {
          const ok = await confirmPassword(deps, request, formField(request.body, 'password'));
          return reply.redirect(`${back}${ok ? '' : '?reauth=failed'}`, 303);
        },
        { passThrough: ['unauthenticated'] },
      );
    },
  );
};

/** What `?done=` may name: the success messages under `admin:done.*`. */
const DONE = ['invited', ...ACTIONS] as const;

function actorOf(request: FastifyRequest): Actor {
  const user = actingUser(request);
  return { userId: user.id, name: user.display_name };
}

/** Checkbox fields `role` arrive as one string or a list. */
function checkedRoles(body: unknown): string[] {
  const value = (body as Record<string, unknown>).role;
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
}
