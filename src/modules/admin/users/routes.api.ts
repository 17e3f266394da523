import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { needs } from '../../../identity/access.js';
import { actingUser } from '../../../identity/access-plugin.js';
import { authDeps } from '../../../identity/ports.js';
import { inTransaction } from '../../../identity/request-context.js';
import { requireRecentAuth } from '../../../identity/session-plugin.js';
import { searchUsers, type UserRow } from '../../../identity/users/repo.js';
import { type Actor, disableUser, enableUser, endUserSessions, inviteUser, resetUserMfa } from './service.js';

const tags = ['admin'];

const AdminUser = Type.Object({
  id: Type.String({ format: 'uuid' }),
  email: Type.String(),
  displayName: Type.String(),
  status: Type.Union([
    Type.Literal('active'),
    Type.Literal('disabled'),
    Type.Literal('pending_verification'),
  ]),
  roles: Type.Array(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
});
const present = (user: UserRow) => ({
  id: user.id,
  email: user.email,
  displayName: user.display_name,
  status: user.status,
  roles: user.roles,
  createdAt: user.created_at.toISOString(),
});
const UserId = Type.Object({ id: Type.String({ format: 'uuid' }) });

/**
 * Administrators act on other people's accounts. The route's permission is checked before this
 * runs; on top, the actor must have signed in or confirmed their password within ten minutes.
 */
function adminActor(request: FastifyRequest): Actor {
  requireRecentAuth(request);
  const user = actingUser(request);
  return { userId: user.id, name: user.display_name };
}

export const adminUserApiRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const deps = authDeps(app.platform);

  app.post(
    '/api/v1/admin/invitations',
    {
      ...needs('users:invite'),
      schema: {
        tags,
        summary: 'Invite someone: creates the account and mails a 7-day link to choose a password',
        body: Type.Object({
          email: Type.String({ maxLength: 254 }),
          displayName: Type.Optional(Type.String({ maxLength: 120 })),
          roles: Type.Optional(
            Type.Array(Type.String({ pattern: '^[a-z][a-z0-9_-]{1,39}$' }), { minItems: 1, maxItems: 10 }),
          ),
        }),
        response: { 201: AdminUser },
      },
    },
    async (request, reply) => {
      const actor = adminActor(request);
      const user = await inTransaction(deps, request, (ctx) =>
        inviteUser(deps, ctx, actor, {
          email: request.body.email,
          displayName: request.body.displayName ?? '',
          ...(request.body.roles ? { roles: request.body.roles } : {}),
        }),
      );
      return reply.code(201).send(present(user));
    },
  );

  app.post(
    '/api/v1/admin/users/:id/end-sessions',
    {
      ...needs('users:manage'),
      schema: {
        tags,
        summary: 'Sign a user out everywhere',
        params: UserId,
        response: { 200: Type.Object({ endedSessions: Type.Integer() }) },
      },
    },
    async (request) => {
      const actor = adminActor(request);
      const ended = await inTransaction(deps, request, (ctx) =>
        endUserSessions(deps, ctx, actor, request.params.id),
      );
      return { endedSessions: ended };
    },
  );

  app.post(
    '/api/v1/admin/users/:id/disable',
    {
      ...needs('users:manage'),
      schema: {
        tags,
        summary: 'Disable an account; ends all its sessions',
        params: UserId,
        response: { 200: Type.Object({ user: AdminUser, endedSessions: Type.Integer() }) },
      },
    },
    async (request) => {
      const actor = adminActor(request);
      const result = await inTransaction(deps, request, (ctx) =>
        disableUser(deps, ctx, actor, request.params.id),
      );
      return { user: present(result.user), endedSessions: result.endedSessions };
    },
  );

  app.get(
    '/api/v1/admin/users',
    {
      ...needs('users:read'),
      schema: {
        tags,
        summary: 'Find users by email or name, role and status; a page at a time, by email',
        querystring: Type.Object({
          q: Type.Optional(Type.String({ maxLength: 100 })),
          role: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_-]{1,39}$' })),
          status: Type.Optional(
            Type.Union([
              Type.Literal('active'),
              Type.Literal('disabled'),
              Type.Literal('pending_verification'),
            ]),
          ),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          cursor: Type.Optional(
            Type.String({ maxLength: 254, description: '`nextCursor` of the previous page' }),
          ),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(AdminUser),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    async (request) => {
      const { q, role, status, cursor } = request.query;
      const limit = request.query.limit ?? 50;
      const rows = await searchUsers(deps.db, {
        limit,
        ...(q ? { q } : {}),
        ...(role ? { role } : {}),
        ...(status ? { status } : {}),
        ...(cursor ? { after: cursor } : {}),
      });
      const page = rows.slice(0, limit);
      return {
        items: page.map(present),
        nextCursor: rows.length > limit ? page[page.length - 1]!.email : null,
      };
    },
  );

  app.post(
    '/api/v1/admin/users/:id/reset-mfa',
    {
      ...needs('users:manage'),
      schema: {
        tags,
        summary: 'Remove a user’s second factors (lost phone); signs them out and mails them',
        params: UserId,
        body: Type.Object({ reason: Type.String({ maxLength: 500, description: 'Kept in the audit log' }) }),
        response: { 200: Type.Object({ removedFactors: Type.Integer() }) },
      },
    },
    async (request) => {
      const actor = adminActor(request);
      return inTransaction(deps, request, (ctx) =>
        resetUserMfa(deps, ctx, actor, request.params.id, request.body.reason),
      );
    },
  );

  app.post(
    '/api/v1/admin/users/:id/enable',
    {
      ...needs('users:manage'),
      schema: { tags, summary: 'Enable a disabled account', params: UserId, response: { 200: AdminUser } },
    },
    async (request) => {
      const actor = adminActor(request);
      return present(
        await inTransaction(deps, request, (ctx) => enableUser(deps, ctx, actor, request.params.id)),
      );
    },
  );
};
