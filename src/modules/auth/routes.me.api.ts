import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { SIGNED_IN } from '../../identity/access.js';
import { recordAuthEvent } from '../../identity/auth-events.js';
import { authDeps } from '../../identity/ports.js';
import { inTransaction } from '../../identity/request-context.js';
import {
  requestMeta,
  requireRecentAuth,
  requireUserId,
  setSessionCookie,
} from '../../identity/session-plugin.js';
import { startSession } from '../../identity/session-service.js';
import { sessionSettings } from '../../identity/session-settings.js';
import { AppError } from '../../shared/errors.js';
import { requireUser } from './mfa/service.js';
import { presentMe } from './present.js';
import { Me, Password } from './schemas.js';
import { changePassword } from './service/account.js';
import { confirmPhone, sendPhoneVerification, wrongPhoneCode } from './service/phone.js';

const tags = ['auth'];
const SessionInfo = Type.Object({
  id: Type.String(),
  ip: Type.Union([Type.String(), Type.Null()]),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  lastSeenAt: Type.String({ format: 'date-time' }),
  current: Type.Boolean(),
});
const ChangePasswordBody = Type.Object({ currentPassword: Password, newPassword: Password });

/** The signed-in user's own sessions and password. */
export const meApiRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const deps = authDeps(app.platform);

  app.get(
    '/api/v1/me/sessions',
    {
      ...SIGNED_IN,
      schema: { tags, summary: 'My sessions, oldest first', response: { 200: Type.Array(SessionInfo) } },
    },
    async (request) => {
      const userId = requireUserId(request);
      return (await deps.sessions.listByUser(userId)).map((s) => ({
        id: s.idHash,
        ip: s.ip,
        userAgent: s.userAgent,
        createdAt: s.createdAt.toISOString(),
        lastSeenAt: s.lastSeenAt.toISOString(),
        current: s.idHash === request.session?.idHash,
      }));
    },
  );

  app.delete(
    '/api/v1/me/sessions/:id',
    {
      ...SIGNED_IN,
      schema: {
        tags,
        summary: 'End one of my sessions (needs a recent sign-in or re-authentication)',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const userId = requireUserId(request);
      // Signing out someone else is a security action: a stolen session may not lock the owner out.
      requireRecentAuth(request);
      const target = (await deps.sessions.listByUser(userId)).find((s) => s.idHash === request.params.id);
      if (!target) throw new AppError('not_found', 'No such session.');
      await deps.sessions.delete(target.idHash);
      await deps.db
        .transaction()
        .execute((trx) =>
          recordAuthEvent(trx, 'session_revoked', requestMeta(request), userId, { count: 1 }),
        );
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/me/sessions/revoke-others',
    {
      ...SIGNED_IN,
      schema: {
        tags,
        summary: 'End all my other sessions (needs a recent sign-in or re-authentication)',
        response: { 200: Type.Object({ ended: Type.Integer() }) },
      },
    },
    async (request) => {
      const userId = requireUserId(request);
      requireRecentAuth(request);
      const ended = await deps.sessions.deleteByUser(userId, request.session!.idHash);
      await deps.db
        .transaction()
        .execute((trx) =>
          recordAuthEvent(trx, 'session_revoked', requestMeta(request), userId, { count: ended }),
        );
      return { ended };
    },
  );

  app.post(
    '/api/v1/me/password',
    {
      ...SIGNED_IN,
      schema: {
        tags,
        summary: 'Change my password (ends my other sessions)',
        body: ChangePasswordBody,
        response: { 200: Type.Object({ endedSessions: Type.Integer(), csrfToken: Type.String() }) },
      },
    },
    async (request, reply) => {
      const userId = requireUserId(request);
      const current = request.session!;
      const ended = await inTransaction(deps, request, (ctx) =>
        changePassword(
          deps,
          ctx,
          userId,
          current.idHash,
          request.body.currentPassword,
          request.body.newPassword,
        ),
      );
      // A privilege change gets a new session id.
      const started = await startSession(
        deps.sessions,
        sessionSettings(deps.config),
        userId,
        requestMeta(request),
        { method: 'password' },
      );
      await deps.sessions.delete(current.idHash);
      setSessionCookie(request, reply, started);
      return { endedSessions: ended, csrfToken: started.record.data.csrf as string };
    },
  );

  app.post(
    '/api/v1/me/phone',
    {
      ...SIGNED_IN,
      schema: {
        tags,
        summary: 'Text a verification code to a phone number (E.164)',
        body: Type.Object({ phone: Type.String({ maxLength: 20 }) }),
        response: { 202: Type.Null() },
      },
    },
    async (request, reply) => {
      const user = await requireUser(deps, requireUserId(request));
      await inTransaction(deps, request, (ctx) => sendPhoneVerification(deps, ctx, user, request.body.phone));
      return reply.code(202).send(null);
    },
  );

  app.post(
    '/api/v1/me/phone/verify',
    {
      ...SIGNED_IN,
      schema: {
        tags,
        summary: 'Confirm the phone number with the texted code',
        body: Type.Object({ code: Type.String({ maxLength: 12 }) }),
        response: { 200: Me },
      },
    },
    async (request) => {
      const user = await requireUser(deps, requireUserId(request));
      const updated = await inTransaction(deps, request, (ctx) =>
        confirmPhone(deps, ctx, user, request.body.code),
      );
      if (!updated) throw wrongPhoneCode();
      return presentMe(updated);
    },
  );
};
