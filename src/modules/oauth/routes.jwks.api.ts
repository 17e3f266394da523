import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { PUBLIC } from '../../identity/access.js';
import { ensureSigningKey, keySettings, publishedKeys } from './keys/key-store.js';

const Jwk = Type.Object({
  kty: Type.String(),
  crv: Type.String(),
  x: Type.String(),
  y: Type.Optional(Type.String()),
  kid: Type.String(),
  alg: Type.Union([Type.Literal('EdDSA'), Type.Literal('ES256')]),
  use: Type.Literal('sig'),
});

export const jwksRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.platform.database.db;
  // The first node to start on an empty database makes the first key; the others find it.
  await db
    .transaction()
    .execute((trx) => ensureSigningKey(trx, keySettings(app.platform.config), new Date()));

  app.get(
    '/oauth/jwks',
    {
      ...PUBLIC,
      schema: {
        tags: ['oauth'],
        summary: 'Public keys that verify our tokens (RFC 7517), including the next one before it signs',
        response: { 200: Type.Object({ keys: Type.Array(Jwk) }) },
      },
    },
    async (_request, reply) => {
      // Short enough that a verifier refetches well within the key's lead time.
      reply.header('cache-control', 'public, max-age=300');
      return { keys: await publishedKeys(db, new Date()) };
    },
  );
};
