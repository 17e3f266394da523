import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { needs } from '../../identity/access.js';
import { actingUser } from '../../identity/access-plugin.js';
import { authDeps } from '../../identity/ports.js';
import { inTransaction } from '../../identity/request-context.js';
import { requireRecentAuth } from '../../identity/session-plugin.js';
import { AppError } from '../../shared/errors.js';
import { findClient, listClients } from './clients/repo.js';
import {
  ClientIdParams,
  NewOauthClient,
  OauthClient,
  OauthClientChanges,
  OauthClientWithSecret,
  presentClient,
} from './clients/schemas.js';
import { deleteClient, registerClient, rotateClientSecret, updateClient } from './clients/service.js';

const tags = ['oauth'];
const manage = needs('oauth_clients:manage');

/** Changes to apps (and seeing a new secret) need a sign-in or password confirmation within ten minutes. */
function manager(request: FastifyRequest): string {
  requireRecentAuth(request);
  return actingUser(request).id;
}

/** Administrators register the apps that use the API (and see a secret only when it is made). */
export const clientApiRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const deps = authDeps(app.platform);

  app.get(
    '/api/v1/oauth/clients',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Registered apps',
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
          offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
        }),
        response: { 200: Type.Object({ items: Type.Array(OauthClient), total: Type.Integer() }) },
      },
    },
    async (request) => {
      const { limit = 50, offset = 0 } = request.query;
      const page = await listClients(deps.db, { limit, offset });
      return { items: page.items.map(presentClient), total: page.total };
    },
  );

  app.post(
    '/api/v1/oauth/clients',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Register an app; a confidential one gets its secret in this answer only',
        body: NewOauthClient,
        response: { 201: OauthClientWithSecret },
      },
    },
    async (request, reply) => {
      const actorId = manager(request);
      const { client, secret } = await inTransaction(deps, request, (ctx) =>
        registerClient(ctx, actorId, request.body),
      );
      return reply.code(201).send({ client: presentClient(client), clientSecret: secret });
    },
  );

  app.get(
    '/api/v1/oauth/clients/:clientId',
    {
      ...manage,
      schema: { tags, summary: 'One app', params: ClientIdParams, response: { 200: OauthClient } },
    },
    async (request) => {
      const client = await findClient(deps.db, request.params.clientId);
      if (!client) throw new AppError('not_found', 'There is no app with this client id.');
      return presentClient(client);
    },
  );

  app.put(
    '/api/v1/oauth/clients/:clientId',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Change an app (name, redirect URIs, grants, scopes)',
        params: ClientIdParams,
        body: OauthClientChanges,
        response: { 200: OauthClient },
      },
    },
    async (request) => {
      const actorId = manager(request);
      const client = await inTransaction(deps, request, (ctx) =>
        updateClient(ctx, actorId, request.params.clientId, request.body),
      );
      return presentClient(client);
    },
  );

  app.post(
    '/api/v1/oauth/clients/:clientId/secret',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Replace the secret of a confidential app (the old one stops working at once)',
        params: ClientIdParams,
        response: { 200: OauthClientWithSecret },
      },
    },
    async (request) => {
      const actorId = manager(request);
      const { client, secret } = await inTransaction(deps, request, (ctx) =>
        rotateClientSecret(ctx, actorId, request.params.clientId),
      );
      return { client: presentClient(client), clientSecret: secret };
    },
  );

  app.delete(
    '/api/v1/oauth/clients/:clientId',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Delete an app, with every grant given to it and every token it holds',
        params: ClientIdParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const actorId = manager(request);
      await inTransaction(deps, request, (ctx) => deleteClient(ctx, actorId, request.params.clientId));
      return reply.code(204).send(null);
    },
  );
};
