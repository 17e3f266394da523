import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { needs } from '../../../identity/access.js';
import { auditActor } from '../../../identity/access-plugin.js';
import { authDeps } from '../../../identity/ports.js';
import { inTransaction } from '../../../identity/request-context.js';
import {
  addSupportAddress,
  changeSupportAddress,
  listSupportAddresses,
  removeSupportAddress,
} from './support-addresses.js';

const manage = needs('mail:manage');
const tags = ['Email'];
const CategoryId = Type.Union([Type.String({ format: 'uuid' }), Type.Null()], {
  description: 'Category new tickets to this address get (null: none)',
});
const AddressParams = Type.Object({
  address: Type.String({ minLength: 3, maxLength: 254, description: 'The support address' }),
});
const Address = Type.Object({
  address: Type.String(),
  categoryId: Type.Union([Type.String(), Type.Null()]),
  categoryName: Type.Union([Type.String(), Type.Null()]),
  configured: Type.Boolean({ description: 'Set in configuration (SUPPORT_ADDRESSES): read-only here' }),
  createdAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
const present = (a: Awaited<ReturnType<typeof listSupportAddresses>>[number]) => ({
  ...a,
  createdAt: a.createdAt?.toISOString() ?? null,
});

/** The support addresses the channel takes mail for, with their default categories (`mail:manage`). */
export const addressApiRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { platform } = app;
  const deps = authDeps(platform);
  const one = async (address: string) =>
    present((await listSupportAddresses(deps.db, platform.config)).find((a) => a.address === address)!);

  app.get(
    '/api/v1/mail/addresses',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Support addresses: those set in configuration, then those added here',
        response: { 200: Type.Object({ items: Type.Array(Address) }) },
      },
    },
    async () => ({ items: (await listSupportAddresses(deps.db, platform.config)).map(present) }),
  );

  app.post(
    '/api/v1/mail/addresses',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Add a support address (409 when it is one already)',
        body: Type.Object(
          { address: Type.String({ minLength: 1, maxLength: 320 }), categoryId: Type.Optional(CategoryId) },
          { examples: [{ address: 'billing@example.com', categoryId: null }] },
        ),
        response: { 201: Address },
      },
    },
    async (request, reply) => {
      const row = await inTransaction(deps, request, (ctx) =>
        addSupportAddress(ctx, platform.config, auditActor(request), request.body),
      );
      return reply.code(201).send(await one(row.address));
    },
  );

  app.patch(
    '/api/v1/mail/addresses/:address',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Change the default category of an added address',
        params: AddressParams,
        body: Type.Object({ categoryId: CategoryId }),
        response: { 200: Address },
      },
    },
    async (request) => {
      const row = await inTransaction(deps, request, (ctx) =>
        changeSupportAddress(ctx, auditActor(request), {
          address: request.params.address,
          categoryId: request.body.categoryId,
        }),
      );
      return one(row.address);
    },
  );

  app.delete(
    '/api/v1/mail/addresses/:address',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Remove an added address (mail to it is refused from then on)',
        params: AddressParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await inTransaction(deps, request, (ctx) =>
        removeSupportAddress(ctx, auditActor(request), request.params.address),
      );
      return reply.code(204).send(null);
    },
  );
};
