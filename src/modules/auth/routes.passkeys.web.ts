import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { PUBLIC, SIGNED_IN } from '../../identity/access.js';
import { authDeps } from '../../identity/ports.js';
import { inTransaction } from '../../identity/request-context.js';
import { takeReturnTo } from '../../identity/return-to.js';
import { requireEnrollable, requirePendingMfa, requireRecentAuth } from '../../identity/session-plugin.js';
import { AppError } from '../../shared/errors.js';
import { FormBody, formField, handleForm } from '../../web/forms.js';
import { backupCodesSessionData } from './backup-codes-download.js';
import { renameFactor } from './mfa/factors-repo.js';
import { finishPasskeyAuthentication, finishPasskeyRegistration } from './mfa/passkeys.js';
import { requireUser } from './mfa/service.js';
import { securityPage, securityRefusal } from './security-page.js';
import { beginSession, restartAfterFactorAdded } from './sign-in.js';
import { refusalWords, wordsFor } from './words.js';

/**
 * The passkey forms. The page script (src/web/scripts/passkeys.js) runs the WebAuthn ceremony with
 * options from the JSON API, puts the authenticator's answer in the hidden `credential` field and
 * submits the form, so success and failure are handled here like any other form post.
 */
function credentialField<T>(request: FastifyRequest): T {
  const raw = (request.body as Record<string, unknown> | undefined)?.credential;
  try {
    if (typeof raw !== 'string' || raw.length > 16_384) throw new Error('missing');
    return JSON.parse(raw) as T;
  } catch {
    throw new AppError('bad_request', wordsFor(request)('auth:passkey.damaged'));
  }
}

const PASSKEY_NAME_MAX = 64;

export const passkeyWebRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const deps = authDeps(app.platform);

  const signInWithPasskey = (
    request: FastifyRequest,
    reply: FastifyReply,
    expectedUserId?: string,
    next?: string,
  ) =>
    inTransaction(deps, request, async (ctx) => {
      const user = await finishPasskeyAuthentication(deps, ctx, {
        challengeId: formField(request.body, 'challengeId'),
        response: credentialField<AuthenticationResponseJSON>(request),
      });
      if (expectedUserId && user.id !== expectedUserId)
        throw new AppError('invalid_code', wordsFor(request)('auth:passkey.someoneElse'));
      return user;
    }).then(async (user) => {
      await beginSession(deps, request, reply, user, 'passkey', 'done');
      return reply.redirect(next ?? (await takeReturnTo(request, reply, user)), 303);
    });

  app.post('/login/passkey', { ...PUBLIC, schema: { body: FormBody } }, async (request, reply) => {
    const t = wordsFor(request);
    const signIn = { heading: t('auth:signIn.title'), lead: t('auth:signIn.lead') };
    return handleForm(
      request,
      reply,
      'pages/auth/sign-in.njk',
      signIn,
      () => signInWithPasskey(request, reply),
      refusalWords(request),
    );
  });

  app.post('/mfa/passkey', { ...PUBLIC, schema: { body: FormBody } }, async (request, reply) => {
    const t = wordsFor(request);
    const challenge = { heading: t('auth:mfa.title'), lead: t('auth:mfa.lead'), hasPasskey: true };
    return handleForm(
      request,
      reply,
      'pages/auth/mfa.njk',
      challenge,
      () => signInWithPasskey(request, reply, requirePendingMfa(request)),
      refusalWords(request),
    );
  });

  // Re-authentication with a passkey instead of the password (and the only way for an account that has none).
  app.post('/account/reauth/passkey', { ...SIGNED_IN, schema: { body: FormBody } }, async (request, reply) =>
    securityRefusal(deps, request, reply, () =>
      signInWithPasskey(request, reply, requireEnrollable(request), '/account/security'),
    ),
  );

  app.post(
    '/account/security/passkeys',
    { ...SIGNED_IN, schema: { body: FormBody } },
    async (request, reply) =>
      securityRefusal(deps, request, reply, async () => {
        const user = await requireUser(deps, requireEnrollable(request));
        requireRecentAuth(request);
        const t = wordsFor(request);
        const name =
          formField(request.body, 'name').slice(0, PASSKEY_NAME_MAX) || t('auth:passkey.defaultName');
        const added = await inTransaction(deps, request, (ctx) =>
          finishPasskeyRegistration(deps, ctx, user, {
            challengeId: formField(request.body, 'challengeId'),
            name,
            response: credentialField<RegistrationResponseJSON>(request),
          }),
        );
        await restartAfterFactorAdded(
          deps,
          request,
          reply,
          user,
          backupCodesSessionData(deps, added.backupCodes),
        );
        return securityPage(deps, request, reply, {
          backupCodes: added.backupCodes,
          enrolled: true,
          messages: [{ type: 'success', text: t('auth:passkey.added', { name }) }],
        });
      }),
  );

  app.post(
    '/account/security/factors/:id/rename',
    {
      ...SIGNED_IN,
      schema: { params: Type.Object({ id: Type.String({ format: 'uuid' }) }), body: FormBody },
    },
    async (request, reply) =>
      securityRefusal(deps, request, reply, async () => {
        const userId = requireEnrollable(request);
        const label = formField(request.body, 'label').slice(0, PASSKEY_NAME_MAX);
        if (!label) throw new AppError('validation_failed', wordsFor(request)('auth:security.enterName'));
        const result = await renameFactor(deps.db, userId, request.params.id, label);
        if (Number(result.numUpdatedRows) === 0)
          throw new AppError('not_found', wordsFor(request)('auth:security.noFactor'));
        return reply.redirect('/account/security', 303);
      }),
  );
};
