import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { PUBLIC, SIGNED_IN } from '../../identity/access.js';
import { authDeps } from '../../identity/ports.js';
import { inTransaction } from '../../identity/request-context.js';
import {
  requireEnrollable,
  requirePendingMfa,
  requireRecentAuth,
  requireUserId,
} from '../../identity/session-plugin.js';
import { AppError } from '../../shared/errors.js';
import { confirmedFactors } from './mfa/factors-repo.js';
import {
  confirmTotp,
  newBackupCodes,
  removeFactor,
  requireUser,
  startTotpSetup,
  verifyBackupCode,
  verifyTotp,
} from './mfa/service.js';
import { enrolSmsFactor, sendSmsChallenge, verifySmsChallenge } from './mfa/sms-factor.js';
import { presentMe } from './present.js';
import { confirmPassword } from './reauth.js';
import { Password, SignedIn } from './schemas.js';
import { beginSession, restartAfterFactorAdded } from './sign-in.js';

const tags = ['auth'];
const Code = Type.Object({ code: Type.String({ minLength: 1, maxLength: 32 }) });
const Factor = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  label: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});
const BackupCodes = Type.Object({
  backupCodes: Type.Array(Type.String(), { description: 'Shown once; store them safely' }),
});

export const mfaApiRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const deps = authDeps(app.platform);

  app.post(
    '/api/v1/auth/mfa/totp',
    {
      ...PUBLIC,
      schema: {
        tags,
        summary: 'Finish signing in with an authenticator code',
        body: Code,
        response: { 200: SignedIn },
      },
    },
    async (request, reply) => {
      const user = await requireUser(deps, requirePendingMfa(request));
      const right = await inTransaction(deps, request, (ctx) =>
        verifyTotp(deps, ctx, user.id, request.body.code),
      );
      if (!right) throw new AppError('invalid_code');
      return { user: presentMe(user), ...(await beginSession(deps, request, reply, user, 'totp', 'done')) };
    },
  );

  app.post(
    '/api/v1/auth/mfa/backup-code',
    {
      ...PUBLIC,
      schema: {
        tags,
        summary: 'Finish signing in with a backup code (single use)',
        body: Code,
        response: { 200: SignedIn },
      },
    },
    async (request, reply) => {
      const user = await requireUser(deps, requirePendingMfa(request));
      await inTransaction(deps, request, (ctx) => verifyBackupCode(deps, ctx, user.id, request.body.code));
      return {
        user: presentMe(user),
        ...(await beginSession(deps, request, reply, user, 'backup_code', 'done')),
      };
    },
  );

  app.post(
    '/api/v1/me/reauth',
    {
      ...SIGNED_IN,
      schema: {
        tags,
        summary: 'Confirm your password before changing security settings',
        body: Type.Object({ password: Password }),
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      if (!(await confirmPassword(deps, request, request.body.password))) {
        throw new AppError('invalid_credentials', 'The password is not correct.');
      }
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/me/mfa',
    { ...SIGNED_IN, schema: { tags, summary: 'My second factors', response: { 200: Type.Array(Factor) } } },
    async (request) =>
      (await confirmedFactors(deps.db, requireEnrollable(request))).map((f) => ({
        id: f.id,
        kind: f.kind,
        label: f.label,
        createdAt: f.created_at.toISOString(),
      })),
  );

  app.post(
    '/api/v1/me/mfa/totp',
    {
      ...SIGNED_IN,
      schema: {
        tags,
        summary: 'Start adding an authenticator app (scan the QR code, then confirm a code)',
        response: {
          200: Type.Object({
            factorId: Type.String(),
            secret: Type.String(),
            uri: Type.String(),
            qrSvg: Type.String(),
          }),
        },
      },
    },
    async (request) => {
      const user = await requireUser(deps, requireEnrollable(request));
      requireRecentAuth(request);
      return inTransaction(deps, request, (ctx) => startTotpSetup(deps, ctx, user));
    },
  );

  app.post(
    '/api/v1/me/mfa/totp/confirm',
    {
      ...SIGNED_IN,
      schema: {
        tags,
        summary: 'Confirm an authenticator app with its first code; ends other sessions',
        body: Type.Object({
          factorId: Type.String({ format: 'uuid' }),
          code: Type.String({ maxLength: 16 }),
        }),
        response: {
          200: Type.Object({
            backupCodes: Type.Optional(Type.Array(Type.String())),
            csrfToken: Type.String(),
          }),
        },
      },
    },
    async (request, reply) => {
      const user = await requireUser(deps, requireEnrollable(request));
      requireRecentAuth(request);
      const codes = await inTransaction(deps, request, (ctx) =>
        confirmTotp(deps, ctx, user, request.body.factorId, request.body.code),
      );
      const signedIn = await restartAfterFactorAdded(deps, request, reply, user);
      return { ...(codes ? { backupCodes: codes } : {}), csrfToken: signedIn.csrfToken };
    },
  );

  app.delete(
    '/api/v1/me/mfa/:id',
    {
      ...SIGNED_IN,
      schema: {
        tags,
        summary: 'Remove a second factor',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const user = await requireUser(deps, requireUserId(request));
      requireRecentAuth(request);
      await inTransaction(deps, request, (ctx) => removeFactor(deps, ctx, user, request.params.id));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/me/mfa/backup-codes',
    { ...SIGNED_IN, schema: { tags, summary: 'Replace my backup codes', response: { 200: BackupCodes } } },
    async (request) => {
      const user = await requireUser(deps, requireUserId(request));
      requireRecentAuth(request);
      return { backupCodes: await inTransaction(deps, request, (ctx) => newBackupCodes(deps, ctx, user)) };
    },
  );

  app.post(
    '/api/v1/auth/mfa/sms/send',
    {
      ...PUBLIC,
      schema: {
        tags,
        summary: 'Text a sign-in code to my phone (second factor)',
        response: { 202: Type.Null() },
      },
    },
    async (request, reply) => {
      const userId = requirePendingMfa(request);
      const attempt = request.session!.idHash;
      await inTransaction(deps, request, (ctx) => sendSmsChallenge(deps, ctx, userId, attempt));
      return reply.code(202).send(null);
    },
  );

  app.post(
    '/api/v1/auth/mfa/sms',
    {
      ...PUBLIC,
      schema: {
        tags,
        summary: 'Finish signing in with a texted code',
        body: Code,
        response: { 200: SignedIn },
      },
    },
    async (request, reply) => {
      const user = await requireUser(deps, requirePendingMfa(request));
      const attempt = request.session!.idHash;
      const right = await inTransaction(deps, request, (ctx) =>
        verifySmsChallenge(deps, ctx, user.id, attempt, request.body.code),
      );
      if (!right) throw new AppError('invalid_code');
      return { user: presentMe(user), ...(await beginSession(deps, request, reply, user, 'sms', 'done')) };
    },
  );

  app.post(
    '/api/v1/me/mfa/sms',
    {
      ...SIGNED_IN,
      schema: {
        tags,
        summary:
          'Use my verified phone for texted sign-in codes; as a first factor it comes with backup codes, and it ends other sessions',
        response: {
          200: Type.Object({
            factorId: Type.String(),
            backupCodes: Type.Optional(Type.Array(Type.String())),
            csrfToken: Type.Optional(Type.String()),
          }),
        },
      },
    },
    async (request, reply) => {
      const user = await requireUser(deps, requireEnrollable(request));
      requireRecentAuth(request);
      const enrolled = await inTransaction(deps, request, (ctx) => enrolSmsFactor(deps, ctx, user));
      if (!enrolled.added) return { factorId: enrolled.factorId };
      // Like the other factors: a privilege change (new session id), and every other session ends.
      const signedIn = await restartAfterFactorAdded(deps, request, reply, user);
      return {
        factorId: enrolled.factorId,
        ...(enrolled.backupCodes ? { backupCodes: enrolled.backupCodes } : {}),
        csrfToken: signedIn.csrfToken,
      };
    },
  );
};
