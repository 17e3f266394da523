import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { needs } from '../../identity/access.js';
import { actingUser } from '../../identity/access-plugin.js';
import { PERMISSIONS } from '../../identity/permissions.js';
import { authDeps } from '../../identity/ports.js';
import { inTransaction } from '../../identity/request-context.js';
import { effectivePermissions } from '../../identity/role-graph.js';
import { requireRecentAuth, requireUserId } from '../../identity/session-plugin.js';
import { changeRole, createRole, type RoleActor, removeRole, setUserRoles } from './service.js';

const tags = ['admin'];
const RoleName = Type.String({ pattern: '^[a-z][a-z0-9_-]{1,39}$' });
const PermissionList = Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100 });
const Role = Type.Object({
  name: Type.String(),
  description: Type.String(),
  parent: Type.Union([Type.String(), Type.Null()]),
  builtIn: Type.Boolean(),
  permissions: Type.Array(Type.String(), { description: 'Granted to this role itself' }),
  effectivePermissions: Type.Array(Type.String(), { description: 'Including everything inherited' }),
});

/** Changes to who may do what need a fresh sign-in, and are recorded with the actor. */
function changer(request: FastifyRequest): RoleActor {
  requireRecentAuth(request);
  return { userId: actingUser(request).id };
}

export const rbacApiRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const deps = authDeps(app.platform);
  /** Runs a change in its own transaction, then tells every node that the role graph changed. */
  const change = async <T>(
    request: FastifyRequest,
    run: Parameters<typeof inTransaction<T>>[2],
  ): Promise<T> => {
    const result = await inTransaction(deps, request, run);
    await app.roleGraph.invalidate();
    return result;
  };

  app.get(
    '/api/v1/me/permissions',
    {
      config: { access: 'signed-in', tokenReadable: true },
      schema: {
        tags: ['auth'],
        summary: 'My roles and everything they let me do',
        response: {
          200: Type.Object({ roles: Type.Array(Type.String()), permissions: Type.Array(Type.String()) }),
        },
      },
    },
    async (request) => {
      const user = await deps.db
        .selectFrom('users')
        .select('roles')
        .where('id', '=', requireUserId(request))
        .executeTakeFirstOrThrow();
      return {
        roles: user.roles,
        permissions: [...effectivePermissions(await app.roleGraph.get(), user.roles)].sort(),
      };
    },
  );

  app.get(
    '/api/v1/admin/permissions',
    {
      ...needs('roles:manage'),
      schema: {
        tags,
        summary: 'Every permission there is, with what it allows',
        response: { 200: Type.Array(Type.Object({ name: Type.String(), description: Type.String() })) },
      },
    },
    async () => Object.entries(PERMISSIONS).map(([name, description]) => ({ name, description })),
  );

  app.get(
    '/api/v1/admin/roles',
    {
      ...needs('roles:manage'),
      schema: { tags, summary: 'Roles, their parents and permissions', response: { 200: Type.Array(Role) } },
    },
    async () => {
      const graph = await app.roleGraph.get();
      return Object.entries(graph.roles).map(([name, role]) => ({
        name,
        description: role.description,
        parent: role.parent,
        builtIn: role.builtIn,
        permissions: role.permissions,
        effectivePermissions: [...effectivePermissions(graph, [name])].sort(),
      }));
    },
  );

  app.post(
    '/api/v1/admin/roles',
    {
      ...needs('roles:manage'),
      schema: {
        tags,
        summary: 'Create a custom role that inherits from another',
        body: Type.Object({
          name: RoleName,
          parent: RoleName,
          description: Type.Optional(Type.String({ maxLength: 200 })),
          permissions: Type.Optional(PermissionList),
        }),
        response: { 201: Type.Null() },
      },
    },
    async (request, reply) => {
      const actor = changer(request);
      await change(request, (ctx) => createRole(ctx, actor, request.body));
      return reply.code(201).send(null);
    },
  );

  app.patch(
    '/api/v1/admin/roles/:name',
    {
      ...needs('roles:manage'),
      schema: {
        tags,
        summary: 'Change a role’s parent, description or own permissions',
        params: Type.Object({ name: RoleName }),
        body: Type.Object({
          parent: Type.Optional(RoleName),
          description: Type.Optional(Type.String({ maxLength: 200 })),
          permissions: Type.Optional(PermissionList),
        }),
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const actor = changer(request);
      await change(request, (ctx) => changeRole(ctx, actor, request.params.name, request.body));
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/api/v1/admin/roles/:name',
    {
      ...needs('roles:manage'),
      schema: {
        tags,
        summary: 'Delete an unused custom role',
        params: Type.Object({ name: RoleName }),
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const actor = changer(request);
      await change(request, (ctx) => removeRole(ctx, actor, request.params.name));
      return reply.code(204).send(null);
    },
  );

  app.put(
    '/api/v1/admin/users/:id/roles',
    {
      ...needs('roles:manage'),
      schema: {
        tags,
        summary: 'Replace a user’s roles (effective from their next request)',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        body: Type.Object({ roles: Type.Array(RoleName, { minItems: 1, maxItems: 10 }) }),
        response: { 200: Type.Object({ id: Type.String(), roles: Type.Array(Type.String()) }) },
      },
    },
    async (request) => {
      const actor = changer(request);
      const user = await inTransaction(deps, request, (ctx) =>
        setUserRoles(ctx, actor, request.params.id, request.body.roles),
      );
      return { id: user.id, roles: user.roles };
    },
  );
};
