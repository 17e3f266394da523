import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import Type from 'typebox';
import { PUBLIC, SIGNED_IN } from '../../identity/access.js';
import { authDeps } from '../../identity/ports.js';
import { inTransaction } from '../../identity/request-context.js';
import { requireEnrollable, requireRecentAuth } from '../../identity/session-plugin.js';
import { AppError } from '../../shared/errors.js';
import { renameFactor } from './mfa/factors-repo.js';
import {
  finishPasskeyAuthentication,
  finishPasskeyRegistration,
  startPasskeyAuthentication,
  startPasskeyRegistration,
} from './mfa/passkeys.js';
import { requireUser } from './mfa/service.js';
import { presentMe } from './present.js';
import { SignedIn } from './schemas.js';
import { beginSession, restartAfterFactorAdded } from './sign-in.js';

const tags = ['auth'];

const Ceremony = Type.Object({
  challengeId: Type.String({ format: 'uuid', description: 'Send back with the authenticator’s answer' }),
  // `object` rather than a record type: the WebAuthn option interfaces have no index signature.
  options: Type.Unsafe<object>({
    type: 'object',
    additionalProperties: true,
    description:
      'WebAuthn options in their JSON form: pass to `navigator.credentials` (or @simplewebauthn/browser)',
  }),
});

/** A `PublicKeyCredential` serialised with `toJSON()`; @simplewebauthn/server checks its parts. */
const Credential = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 1024 }),
    rawId: Type.String({ minLength: 1, maxLength: 1024 }),
    type: Type.Literal('public-key'),
    response: Type.Record(Type.String(), Type.Unknown()),
  },
  { additionalProperties: true },
);

export const PasskeyName = Type.String({ minLength: 1, maxLength: 64, description: 'e.g. “Work laptop”' });

/** Who a sign-in ceremony is for: the pending or signed-in user, or (signed out) whoever owns the passkey. */
const ceremonyUser = (session: { userId: string } | null) => session?.userId ?? null;

export const passkeyApiRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const deps = authDeps(app.platform);

  app.post(
    '/api/v1/auth/passkey/options',
    {
      ...PUBLIC,
      schema: {
        tags,
        summary: 'Start signing in with a passkey (passwordless, or as the second factor)',
        description:
          'Signed out: any passkey for this site, user verification required. Waiting for a second factor or signed in: that user’s passkeys only.',
        response: { 200: Ceremony },
      },
    },
    async (request) =>
      inTransaction(deps, request, (ctx) =>
        startPasskeyAuthentication(deps, ctx, ceremonyUser(request.session)),
      ),
  );

  app.post(
    '/api/v1/auth/passkey',
    {
      ...PUBLIC,
      schema: {
        tags,
        summary: 'Finish signing in with a passkey',
        body: Type.Object({ challengeId: Type.String({ format: 'uuid' }), credential: Credential }),
        response: { 200: SignedIn },
      },
    },
    async (request, reply) => {
      const user = await inTransaction(deps, request, (ctx) =>
        finishPasskeyAuthentication(deps, ctx, {
          challengeId: request.body.challengeId,
          response: request.body.credential as unknown as AuthenticationResponseJSON,
        }),
      );
      return {
        user: presentMe(user),
        ...(await beginSession(deps, request, reply, user, 'passkey', 'done')),
      };
    },
  );

  app.post(
    '/api/v1/me/passkeys/options',
    { ...SIGNED_IN, schema: { tags, summary: 'Start adding a passkey', response: { 200: Ceremony } } },
    async (request) => {
      const user = await requireUser(deps, requireEnrollable(request));
      requireRecentAuth(request);
      return inTransaction(deps, request, (ctx) => startPasskeyRegistration(deps, ctx, user));
    },
  );

  app.post(
    '/api/v1/me/passkeys',
    {
      ...SIGNED_IN,
      schema: {
        tags,
        summary: 'Finish adding a passkey; ends your other sessions',
        body: Type.Object({
          challengeId: Type.String({ format: 'uuid' }),
          name: PasskeyName,
          credential: Credential,
        }),
        response: {
          201: Type.Object({
            factorId: Type.String(),
            backupCodes: Type.Optional(Type.Array(Type.String(), { description: 'Shown once' })),
            csrfToken: Type.String(),
          }),
        },
      },
    },
    async (request, reply) => {
      const user = await requireUser(deps, requireEnrollable(request));
      requireRecentAuth(request);
      const added = await inTransaction(deps, request, (ctx) =>
        finishPasskeyRegistration(deps, ctx, user, {
          challengeId: request.body.challengeId,
          name: request.body.name.trim(),
          response: request.body.credential as unknown as RegistrationResponseJSON,
        }),
      );
      const { csrfToken } = await restartAfterFactorAdded(deps, request, reply, user);
      return reply.code(201).send({ ...added, csrfToken });
    },
  );

  app.patch(
    '/api/v1/me/mfa/:id',
    {
      ...SIGNED_IN,
      schema: {
        tags,
        summary: 'Rename a second factor (a passkey, an authenticator app …)',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        body: Type.Object({ label: PasskeyName }),
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const userId = requireEnrollable(request);
      const result = await renameFactor(deps.db, userId, request.params.id, request.body.label.trim());
      if (Number(result.numUpdatedRows) === 0) throw new AppError('not_found', 'No such factor.');
      return reply.code(204).send(null);
    },
  );
};
