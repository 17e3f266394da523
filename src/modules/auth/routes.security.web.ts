import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { PUBLIC, SIGNED_IN } from '../../identity/access.js';
import { authDeps } from '../../identity/ports.js';
import { inTransaction } from '../../identity/request-context.js';
import { takeReturnTo } from '../../identity/return-to.js';
import { requireEnrollable, requirePendingMfa, requireRecentAuth } from '../../identity/session-plugin.js';
import { AppError } from '../../shared/errors.js';
import { FormBody, formField, handleForm, renderPage } from '../../web/forms.js';
import { backupCodesSessionData, downloadableCodes, sendCodesFile } from './backup-codes-download.js';
import { confirmedFactors } from './mfa/factors-repo.js';
import {
  confirmTotp,
  pendingTotpSetup,
  removeFactor,
  requireUser,
  startTotpSetup,
  verifyBackupCode,
  verifyTotp,
} from './mfa/service.js';
import { sendSmsChallenge, verifySmsChallenge } from './mfa/sms-factor.js';
import { confirmPassword } from './reauth.js';
import { securityPage, securityRefusal } from './security-page.js';
import { beginSession, restartAfterFactorAdded } from './sign-in.js';
import { refusalWords, wordsFor } from './words.js';

const Id = Type.Object({ id: Type.String({ maxLength: 64 }) });

/** The second-factor challenge at sign-in, and the security page (factors, backup codes, sessions). */
export const securityWebRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const deps = authDeps(app.platform);
  const challengeOf = (request: FastifyRequest) => {
    const t = wordsFor(request);
    return { heading: t('auth:mfa.title'), lead: t('auth:mfa.lead') };
  };

  /** Which other ways in the challenge page offers, besides an app or backup code. */
  const alternatives = async (userId: string) => {
    const kinds = new Set((await confirmedFactors(deps.db, userId)).map((f) => f.kind));
    return { hasSms: kinds.has('sms'), hasPasskey: kinds.has('passkey') };
  };
  app.get('/mfa', PUBLIC, async (request, reply) => {
    if (request.session?.data.mfa !== 'pending') return reply.redirect('/login', 303);
    return renderPage(request, reply, 'pages/auth/mfa.njk', {
      ...challengeOf(request),
      ...(await alternatives(request.session.userId)),
    });
  });
  app.post('/mfa/sms', { ...PUBLIC, schema: { body: FormBody } }, async (request, reply) =>
    handleForm(
      request,
      reply,
      'pages/auth/mfa.njk',
      challengeOf(request),
      async () => {
        const userId = requirePendingMfa(request);
        const attempt = request.session!.idHash;
        await inTransaction(deps, request, (ctx) => sendSmsChallenge(deps, ctx, userId, attempt));
        return renderPage(request, reply, 'pages/auth/mfa.njk', {
          ...challengeOf(request),
          smsSent: true,
          messages: [{ type: 'info', text: wordsFor(request)('auth:mfa.smsSent') }],
        });
      },
      refusalWords(request),
    ),
  );
  app.post('/mfa', { ...PUBLIC, schema: { body: FormBody } }, async (request, reply) =>
    handleForm(
      request,
      reply,
      'pages/auth/mfa.njk',
      { ...challengeOf(request), smsSent: formField(request.body, 'method') === 'sms' },
      async () => {
        const user = await requireUser(deps, requirePendingMfa(request));
        const code = formField(request.body, 'code').replace(/\s/g, '');
        const bySms = formField(request.body, 'method') === 'sms';
        const right = await inTransaction(deps, request, async (ctx) =>
          bySms
            ? verifySmsChallenge(deps, ctx, user.id, request.session!.idHash, code)
            : /^\d{6}$/.test(code)
              ? verifyTotp(deps, ctx, user.id, code)
              : verifyBackupCode(deps, ctx, user.id, code).then(() => true),
        );
        if (!right) throw new AppError('invalid_code');
        await beginSession(deps, request, reply, user, 'mfa', 'done');
        return reply.redirect(await takeReturnTo(request, reply, user), 303);
      },
      refusalWords(request),
    ),
  );

  app.get('/account/security', SIGNED_IN, async (request, reply) => {
    if (!request.session || request.session.data.mfa === 'pending') return reply.redirect('/login', 303);
    return securityPage(deps, request, reply);
  });

  app.post('/account/reauth', { ...SIGNED_IN, schema: { body: FormBody } }, async (request, reply) =>
    securityRefusal(deps, request, reply, async () => {
      if (!(await confirmPassword(deps, request, formField(request.body, 'password')))) {
        return securityPage(
          deps,
          request,
          reply,
          { errors: { password: wordsFor(request)('auth:security.wrongPassword') } },
          401,
        );
      }
      return reply.redirect('/account/security', 303);
    }),
  );

  app.post('/account/security/totp', { ...SIGNED_IN, schema: { body: FormBody } }, async (request, reply) =>
    securityRefusal(deps, request, reply, async () => {
      const user = await requireUser(deps, requireEnrollable(request));
      const setup = await inTransaction(deps, request, (ctx) => startTotpSetup(deps, ctx, user));
      return securityPage(deps, request, reply, { setup });
    }),
  );

  app.post(
    '/account/security/totp/confirm',
    { ...SIGNED_IN, schema: { body: FormBody } },
    async (request, reply) =>
      securityRefusal(deps, request, reply, async () => {
        const user = await requireUser(deps, requireEnrollable(request));
        const factorId = formField(request.body, 'factorId');
        const codes = await inTransaction(deps, request, (ctx) =>
          confirmTotp(deps, ctx, user, factorId, formField(request.body, 'code').replace(/\s/g, '')),
        ).catch(async (error: unknown) => {
          // A wrong code keeps the scanned secret: the same QR code and key come back.
          const setup = error instanceof AppError && error.code === 'invalid_code';
          const pending = setup ? await pendingTotpSetup(deps, user, factorId) : undefined;
          if (!pending) throw error;
          const text = wordsFor(request)('auth:security.wrongCode');
          return { pending, text, status: error instanceof AppError ? error.status : 401 };
        });
        if (codes && !Array.isArray(codes))
          return securityPage(
            deps,
            request,
            reply,
            { setup: codes.pending, errors: { code: codes.text } },
            codes.status,
          );
        await restartAfterFactorAdded(deps, request, reply, user, backupCodesSessionData(deps, codes));
        return securityPage(deps, request, reply, {
          backupCodes: codes,
          enrolled: true,
          messages: [{ type: 'success', text: wordsFor(request)('auth:security.totpOn') }],
        });
      }),
  );

  // Right after the codes were made, in the same session: a text file to keep.
  app.get('/account/security/backup-codes.txt', SIGNED_IN, async (request, reply) => {
    const codes = downloadableCodes(deps, request);
    if (!codes) throw new AppError('not_found');
    const user = await requireUser(deps, requireEnrollable(request));
    return sendCodesFile(reply, wordsFor(request)('auth:security.codesFile', { account: user.email }), codes);
  });

  // "Continue" after setting up a factor: where the visitor was going, else their home.
  app.get('/account/security/continue', SIGNED_IN, async (request, reply) => {
    const user = await requireUser(deps, requireEnrollable(request));
    return reply.redirect(await takeReturnTo(request, reply, user), 303);
  });

  app.post(
    '/account/security/factors/:id/remove',
    { ...SIGNED_IN, schema: { params: Id, body: FormBody } },
    async (request, reply) =>
      securityRefusal(deps, request, reply, async () => {
        const user = await requireUser(deps, requireEnrollable(request));
        await inTransaction(deps, request, (ctx) => removeFactor(deps, ctx, user, request.params.id));
        return reply.redirect('/account/security', 303);
      }),
  );

  app.post(
    '/account/security/sessions/:id/end',
    { ...SIGNED_IN, schema: { params: Id, body: FormBody } },
    async (request, reply) =>
      securityRefusal(deps, request, reply, async () => {
        const userId = requireEnrollable(request);
        requireRecentAuth(request);
        const target = (await deps.sessions.listByUser(userId)).find((s) => s.idHash === request.params.id);
        if (target) await deps.sessions.delete(target.idHash);
        return reply.redirect('/account/security', 303);
      }),
  );
};
