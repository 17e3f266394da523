import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { PUBLIC, SIGNED_IN } from '../../identity/access.js';
import { csrfTokenFor } from '../../identity/csrf.js';
import { authDeps } from '../../identity/ports.js';
import { endCurrentSession, inTransaction } from '../../identity/request-context.js';
import { clearSessionCookie, requireUserId } from '../../identity/session-plugin.js';
import { findUserById, type UserRow } from '../../identity/users/repo.js';
import { ProfilePatch } from '../../identity/users/schemas.js';
import { updateProfile } from '../../identity/users/service.js';
import { AppError } from '../../shared/errors.js';
import { presentMe } from './present.js';
import {
  Accepted,
  CsrfToken,
  EmailBody,
  LoginBody,
  Me,
  ResetBody,
  SignedIn,
  SignUpBody,
  TokenBody,
  Verified,
  VerifyEmailBody,
} from './schemas.js';
import {
  consumeMagicLink,
  requestMagicLink,
  requestPasswordReset,
  resetPassword,
} from './service/email-links.js';
import { acceptInvitation } from './service/invitation.js';
import { loginWithPassword } from './service/login.js';
import { PASSWORD_CLEARED_NOTICE } from './service/pending-claim.js';
import { signUp, verifyEmail } from './service/signup.js';
import { beginSession } from './sign-in.js';
import { setSignupProofCookie, signupProofCookie } from './signup-cookie.js';

const tags = ['auth'];
const CHECK_MAIL = 'If the address can receive it, a message is on its way. Check your inbox.';

export const authApiRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const deps = authDeps(app.platform);

  async function signIn(request: FastifyRequest, reply: FastifyReply, user: UserRow, method: string) {
    return { user: presentMe(user), ...(await beginSession(deps, request, reply, user, method)) };
  }

  app.get(
    '/api/v1/auth/csrf',
    { ...PUBLIC, schema: { tags, summary: 'CSRF token for this visitor', response: { 200: CsrfToken } } },
    async (request, reply) => ({
      csrfToken: csrfTokenFor(request, reply),
    }),
  );

  app.post(
    '/api/v1/auth/signup',
    {
      ...PUBLIC,
      schema: {
        tags,
        summary: 'Create an account (a verification link is mailed)',
        body: SignUpBody,
        response: { 202: Accepted },
      },
    },
    async (request, reply) => {
      const userId = await inTransaction(deps, request, (ctx) => signUp(deps, ctx, request.body));
      setSignupProofCookie(request, reply, userId);
      return reply.code(202).send({ status: 'accepted' as const, message: CHECK_MAIL });
    },
  );

  app.post(
    '/api/v1/auth/verify-email',
    {
      ...PUBLIC,
      schema: {
        tags,
        summary: 'Confirm an email address',
        description:
          'The sign-up password is kept only when this browser signed up or `password` repeats it; otherwise it is dropped.',
        body: VerifyEmailBody,
        response: { 200: Verified },
      },
    },
    async (request) => {
      const { token, password } = request.body;
      const verified = await inTransaction(deps, request, (ctx) =>
        verifyEmail(deps, ctx, token, {
          cookie: signupProofCookie(request),
          ...(password ? { password } : {}),
        }),
      );
      if (!verified) throw new AppError('bad_request', 'This verification link is invalid, used or expired.');
      return {
        passwordSet: verified.passwordSet,
        message: verified.passwordSet ? 'Email confirmed. You can sign in now.' : PASSWORD_CLEARED_NOTICE,
      };
    },
  );

  app.post(
    '/api/v1/auth/login',
    {
      ...PUBLIC,
      schema: {
        tags,
        summary: 'Sign in with email and password',
        body: LoginBody,
        response: { 200: SignedIn },
      },
    },
    async (request, reply) => {
      const user = await inTransaction(deps, request, (ctx) =>
        loginWithPassword(deps, ctx, request.body.email, request.body.password),
      );
      return signIn(request, reply, user, 'password');
    },
  );

  app.post(
    '/api/v1/auth/magic-link',
    {
      ...PUBLIC,
      schema: { tags, summary: 'Mail a one-time sign-in link', body: EmailBody, response: { 202: Accepted } },
    },
    async (request, reply) => {
      await inTransaction(deps, request, (ctx) => requestMagicLink(deps, ctx, request.body.email));
      return reply.code(202).send({ status: 'accepted' as const, message: CHECK_MAIL });
    },
  );

  app.post(
    '/api/v1/auth/magic-link/consume',
    {
      ...PUBLIC,
      schema: {
        tags,
        summary: 'Sign in with a magic link token',
        body: TokenBody,
        response: { 200: SignedIn },
      },
    },
    async (request, reply) => {
      const { user, passwordCleared } = await inTransaction(deps, request, (ctx) =>
        consumeMagicLink(deps, ctx, request.body.token),
      );
      const signedIn = await signIn(request, reply, user, 'magic_link');
      if (!passwordCleared) return signedIn;
      return { ...signedIn, notice: [signedIn.notice, PASSWORD_CLEARED_NOTICE].filter(Boolean).join(' ') };
    },
  );

  app.post(
    '/api/v1/auth/password-reset',
    {
      ...PUBLIC,
      schema: { tags, summary: 'Mail a password reset link', body: EmailBody, response: { 202: Accepted } },
    },
    async (request, reply) => {
      await inTransaction(deps, request, (ctx) => requestPasswordReset(deps, ctx, request.body.email));
      return reply.code(202).send({ status: 'accepted' as const, message: CHECK_MAIL });
    },
  );

  app.post(
    '/api/v1/auth/invitation/accept',
    {
      ...PUBLIC,
      schema: {
        tags,
        summary: 'Accept an invitation: choose a password, activate the account and sign in',
        body: ResetBody,
        response: { 200: SignedIn },
      },
    },
    async (request, reply) => {
      const user = await inTransaction(deps, request, (ctx) =>
        acceptInvitation(deps, ctx, request.body.token, request.body.password),
      );
      return signIn(request, reply, user, 'invitation');
    },
  );

  app.post(
    '/api/v1/auth/password-reset/complete',
    {
      ...PUBLIC,
      schema: {
        tags,
        summary: 'Set a new password from a reset link (ends all sessions)',
        body: ResetBody,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await inTransaction(deps, request, (ctx) =>
        resetPassword(deps, ctx, request.body.token, request.body.password),
      );
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/auth/logout',
    { ...PUBLIC, schema: { tags, summary: 'End this session', response: { 204: Type.Null() } } },
    async (request, reply) => {
      await endCurrentSession(deps, request);
      clearSessionCookie(request, reply);
      return reply.code(204).send(null);
    },
  );

  app.patch(
    '/api/v1/me',
    {
      ...SIGNED_IN,
      schema: { tags, summary: 'Update my profile', body: ProfilePatch, response: { 200: Me } },
    },
    async (request) => {
      const userId = requireUserId(request);
      return presentMe(
        await deps.db.transaction().execute((trx) => updateProfile(trx, userId, request.body)),
      );
    },
  );

  app.get(
    '/api/v1/me',
    {
      // Also readable with an access token carrying `account:read`.
      config: { access: 'signed-in', tokenReadable: true },
      schema: { tags, summary: 'The signed-in user', response: { 200: Me } },
    },
    async (request) => {
      const user = await findUserById(deps.db, requireUserId(request));
      if (!user) throw new AppError('unauthenticated');
      return presentMe(user);
    },
  );
};
