import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type, { type TSchema } from 'typebox';
import { needs } from '../../../identity/access.js';
import { authDeps } from '../../../identity/ports.js';
import { inTransaction } from '../../../identity/request-context.js';
import { createSmsNumbers } from '../../../platform/sms/index.js';
import { actorOf, presentNumber, SmsNumber } from './present.js';
import { listNumbers } from './repo.js';
import { assignNumber, buyNumber, checkWebhooks, releaseNumber, searchAvailable } from './service.js';

const manage = needs('sms:manage');
const tags = ['SMS'];
const nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Id = Type.Object({ id: Type.String({ format: 'uuid' }) });
const Owner = nullable(
  Type.String({ format: 'uuid', description: 'The person whose own line it is; null: a team line' }),
);
const Category = nullable(
  Type.String({ format: 'uuid', description: 'A team line’s category for new tickets' }),
);
const Label = nullable(Type.String({ maxLength: 80 }));
const Available = Type.Object({
  e164: Type.String(),
  friendlyName: Type.String(),
  locality: nullable(Type.String()),
  region: nullable(Type.String()),
  country: Type.String(),
  capabilities: Type.Object({ sms: Type.Boolean(), mms: Type.Boolean(), voice: Type.Boolean() }),
});
const Check = Type.Object({
  id: Type.String(),
  e164: Type.String(),
  smsUrl: nullable(Type.String()),
  statusUrl: nullable(Type.String()),
  ok: Type.Boolean(),
  fixed: Type.Boolean(),
  missing: Type.Boolean(),
});

/** The team's phone numbers at the provider, for SMS administrators: search, buy, assign, release, check. */
export const numberApiRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const deps = authDeps(app.platform);
  const provider = createSmsNumbers(app.platform.config);
  const { config } = app.platform;

  app.get(
    '/api/v1/sms/numbers',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Numbers the team holds: personal lines and team lines',
        querystring: Type.Object({ released: Type.Optional(Type.Boolean()) }),
        response: { 200: Type.Object({ items: Type.Array(SmsNumber) }) },
      },
    },
    async (request) => ({
      items: (await listNumbers(deps.db, { released: request.query.released ?? false })).map(presentNumber),
    }),
  );

  app.get(
    '/api/v1/sms/numbers/available',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Numbers the provider offers, by country and area code',
        querystring: Type.Object({
          country: Type.String({ minLength: 2, maxLength: 2, examples: ['US'] }),
          areaCode: Type.Optional(Type.String({ maxLength: 6, examples: ['415'] })),
        }),
        response: { 200: Type.Object({ items: Type.Array(Available) }) },
      },
    },
    async (request) => ({ items: await searchAvailable(provider, request.query) }),
  );

  app.post(
    '/api/v1/sms/numbers',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Buy a number; its SMS and status webhooks point here',
        body: Type.Object(
          {
            e164: Type.String({ maxLength: 16, examples: ['+14155550100'] }),
            country: Type.Optional(Type.String({ minLength: 2, maxLength: 2 })),
            ownerId: Type.Optional(Owner),
            categoryId: Type.Optional(Category),
            label: Type.Optional(Label),
          },
          { additionalProperties: false },
        ),
        response: { 201: SmsNumber },
      },
    },
    async (request, reply) => {
      const row = await inTransaction(deps, request, (ctx) =>
        buyNumber(ctx.trx, provider, config, actorOf(request), request.body),
      );
      return reply.code(201).send(presentNumber(row));
    },
  );

  app.patch(
    '/api/v1/sms/numbers/:id',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Assign a number to a person or to the team, with a category and label',
        params: Id,
        body: Type.Object(
          { ownerId: Type.Optional(Owner), categoryId: Type.Optional(Category), label: Type.Optional(Label) },
          { additionalProperties: false },
        ),
        response: { 200: SmsNumber },
      },
    },
    async (request) =>
      presentNumber(
        await inTransaction(deps, request, (ctx) =>
          assignNumber(ctx.trx, actorOf(request), request.params.id, request.body),
        ),
      ),
  );

  app.delete(
    '/api/v1/sms/numbers/:id',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Release a number to the provider (its texts stay)',
        params: Id,
        response: { 200: SmsNumber },
      },
    },
    async (request) =>
      presentNumber(
        await inTransaction(deps, request, (ctx) =>
          releaseNumber(ctx.trx, provider, actorOf(request), request.params.id),
        ),
      ),
  );

  app.post(
    '/api/v1/sms/numbers/check',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Find numbers whose webhooks point elsewhere, and (fix: true) point them here again',
        body: Type.Optional(
          Type.Object({ fix: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        ),
        response: { 200: Type.Object({ items: Type.Array(Check) }) },
      },
    },
    async (request) => ({
      items: await checkWebhooks(deps.db, provider, config, request.body?.fix ?? false),
    }),
  );
};
