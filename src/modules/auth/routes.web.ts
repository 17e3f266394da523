import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { PUBLIC } from '../../identity/access.js';
import { authDeps } from '../../identity/ports.js';
import { endCurrentSession, inTransaction } from '../../identity/request-context.js';
import { takeReturnTo } from '../../identity/return-to.js';
import { clearSessionCookie } from '../../identity/session-plugin.js';
import { findUserById, type UserRow } from '../../identity/users/repo.js';
import { FormBody, formField, handleForm, renderPage } from '../../web/forms.js';
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
import { tokenPageHeaders } from './token-pages.js';
import { peekToken } from './tokens/one-time-tokens.js';
import { isSignupProof } from './tokens/signup-proof.js';

const TokenQuery = Type.Object({ token: Type.Optional(Type.String({ maxLength: 256 })) });
/** Pages reached by an emailed link whose URL carries the token (and the forms they post to). */
const TOKEN_PAGES = new Set(['/auth/verify', '/auth/magic', '/auth/reset', '/auth/invite']);
const CHECK_MAIL =
  'If the address can receive it, a message is on its way. It can take a minute; check your spam folder too.';

export const authWebRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const deps = authDeps(app.platform);
  const page = (template: string, heading: string, lead?: string) => ({ template, state: { heading, lead } });
  app.addHook('onRequest', async (request, reply) => {
    if (TOKEN_PAGES.has(request.routeOptions.url ?? '')) tokenPageHeaders(reply);
  });

  async function signInAndGo(request: FastifyRequest, reply: FastifyReply, user: UserRow, method: string) {
    const { mfa } = await beginSession(deps, request, reply, user, method);
    return reply.redirect(
      mfa === 'pending' ? '/mfa' : mfa === 'enroll' ? '/account/security' : takeReturnTo(request, reply),
      303,
    );
  }

  const signIn = page('pages/auth/sign-in.njk', 'Sign in', 'Welcome back.');
  app.get('/login', PUBLIC, async (request, reply) =>
    renderPage(request, reply, signIn.template, signIn.state),
  );
  app.post('/login', { ...PUBLIC, schema: { body: FormBody } }, async (request, reply) => {
    const email = formField(request.body, 'email');
    const state = { ...signIn.state, values: { email } };
    return handleForm(request, reply, signIn.template, state, async () => {
      const user = await inTransaction(deps, request, (ctx) =>
        loginWithPassword(deps, ctx, email, formField(request.body, 'password')),
      );
      return signInAndGo(request, reply, user, 'password');
    });
  });
  app.post('/login/magic', { ...PUBLIC, schema: { body: FormBody } }, async (request, reply) => {
    const email = formField(request.body, 'email');
    return handleForm(request, reply, signIn.template, { ...signIn.state, values: { email } }, async () => {
      if (!email.includes('@'))
        return renderPage(
          request,
          reply,
          signIn.template,
          { ...signIn.state, errors: { email: 'Enter your email address.' } },
          400,
        );
      await inTransaction(deps, request, (ctx) => requestMagicLink(deps, ctx, email));
      return renderPage(request, reply, 'pages/auth/notice.njk', {
        heading: 'Check your email',
        text: CHECK_MAIL,
      });
    });
  });

  const signUpPage = page(
    'pages/auth/sign-up.njk',
    'Create your account',
    'Track your requests and talk to the team in one place.',
  );
  app.get('/signup', PUBLIC, async (request, reply) =>
    renderPage(request, reply, signUpPage.template, signUpPage.state),
  );
  app.post('/signup', { ...PUBLIC, schema: { body: FormBody } }, async (request, reply) => {
    const values = {
      email: formField(request.body, 'email'),
      displayName: formField(request.body, 'displayName'),
      company: formField(request.body, 'company'),
    };
    return handleForm(request, reply, signUpPage.template, { ...signUpPage.state, values }, async () => {
      const errors: Record<string, string> = {};
      if (!values.displayName) errors.displayName = 'Tell us your name.';
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email)) errors.email = 'Enter a valid email address.';
      if (Object.keys(errors).length > 0)
        return renderPage(request, reply, signUpPage.template, { ...signUpPage.state, values, errors }, 400);
      const userId = await inTransaction(deps, request, (ctx) =>
        signUp(deps, ctx, { ...values, password: formField(request.body, 'password') }),
      );
      setSignupProofCookie(request, reply, userId);
      return renderPage(request, reply, 'pages/auth/notice.njk', {
        heading: 'Confirm your email',
        text: `We sent a confirmation link to ${values.email}. ${CHECK_MAIL}`,
      });
    });
  });

  const confirm =
    (heading: string, text: string, action: string, buttonLabel: string) =>
    async (request: FastifyRequest<{ Querystring: { token?: string } }>, reply: FastifyReply) =>
      renderPage(request, reply, 'pages/auth/confirm.njk', {
        heading,
        text,
        action,
        buttonLabel,
        token: request.query.token ?? '',
      });
  const verifyPage = {
    heading: 'Confirm your email',
    text: 'Press the button to confirm your email address.',
    action: '/auth/verify',
    buttonLabel: 'Confirm email',
  };
  /** Ask for the sign-up password when it exists and this browser did not sign up (see signup-proof). */
  async function asksPassword(request: FastifyRequest, token: string): Promise<boolean> {
    const userId = await peekToken(deps.db, token, 'verify_email');
    const user = userId ? await findUserById(deps.db, userId) : undefined;
    if (!user?.password_hash || user.status !== 'pending_verification') return false;
    return !isSignupProof(deps.config.SECRET_KEY!, user.id, signupProofCookie(request));
  }
  app.get('/auth/verify', { ...PUBLIC, schema: { querystring: TokenQuery } }, async (request, reply) => {
    const token = request.query.token ?? '';
    return renderPage(request, reply, 'pages/auth/confirm.njk', {
      ...verifyPage,
      token,
      askPassword: await asksPassword(request, token),
    });
  });
  app.post('/auth/verify', { ...PUBLIC, schema: { body: FormBody } }, async (request, reply) => {
    const token = formField(request.body, 'token');
    const password = formField(request.body, 'password');
    const state = { ...verifyPage, token, askPassword: true };
    return handleForm(request, reply, 'pages/auth/confirm.njk', state, async () => {
      const verified = await inTransaction(deps, request, (ctx) =>
        verifyEmail(deps, ctx, token, {
          cookie: signupProofCookie(request),
          ...(password ? { password } : {}),
        }),
      );
      if (!verified)
        return renderPage(
          request,
          reply,
          'pages/auth/notice.njk',
          {
            heading: 'Link not valid',
            text: 'This confirmation link is invalid, used or expired. Sign in to get a new one.',
            actionHref: '/login',
            actionLabel: 'Sign in',
          },
          400,
        );
      return renderPage(
        request,
        reply,
        'pages/auth/notice.njk',
        verified.passwordSet
          ? {
              heading: 'Email confirmed',
              text: 'Thank you. You can sign in now.',
              actionHref: '/login',
              actionLabel: 'Sign in',
            }
          : {
              heading: 'Email confirmed',
              text: PASSWORD_CLEARED_NOTICE,
              actionHref: '/reset',
              actionLabel: 'Choose a password',
            },
      );
    });
  });

  app.get(
    '/auth/magic',
    { ...PUBLIC, schema: { querystring: TokenQuery } },
    confirm('Sign in', 'Press the button to sign in with this one-time link.', '/auth/magic', 'Sign in'),
  );
  app.post('/auth/magic', { ...PUBLIC, schema: { body: FormBody } }, async (request, reply) =>
    handleForm(request, reply, signIn.template, signIn.state, async () => {
      const { user, passwordCleared } = await inTransaction(deps, request, (ctx) =>
        consumeMagicLink(deps, ctx, formField(request.body, 'token')),
      );
      if (!passwordCleared) return signInAndGo(request, reply, user, 'magic_link');
      // Signed in, and told first that the password someone chose before is gone.
      const { mfa } = await beginSession(deps, request, reply, user, 'magic_link');
      return renderPage(request, reply, 'pages/auth/notice.njk', {
        heading: 'Signed in: no password is set',
        text: PASSWORD_CLEARED_NOTICE,
        ...(mfa === 'enroll'
          ? { actionHref: '/account/security', actionLabel: 'Set up two-factor sign-in first' }
          : { actionHref: '/reset', actionLabel: 'Choose a password' }),
      });
    }),
  );

  const resetPage = page('pages/auth/reset.njk', 'Reset your password');
  app.get('/reset', PUBLIC, async (request, reply) =>
    renderPage(request, reply, resetPage.template, resetPage.state),
  );
  app.post('/reset', { ...PUBLIC, schema: { body: FormBody } }, async (request, reply) => {
    const email = formField(request.body, 'email');
    return handleForm(
      request,
      reply,
      resetPage.template,
      { ...resetPage.state, values: { email } },
      async () => {
        await inTransaction(deps, request, (ctx) => requestPasswordReset(deps, ctx, email));
        return renderPage(request, reply, 'pages/auth/notice.njk', {
          heading: 'Check your email',
          text: CHECK_MAIL,
        });
      },
    );
  });
  app.get('/auth/reset', { ...PUBLIC, schema: { querystring: TokenQuery } }, async (request, reply) =>
    renderPage(request, reply, resetPage.template, {
      ...resetPage.state,
      heading: 'Choose a new password',
      token: request.query.token ?? '',
    }),
  );
  app.post('/auth/reset', { ...PUBLIC, schema: { body: FormBody } }, async (request, reply) => {
    const token = formField(request.body, 'token');
    return handleForm(
      request,
      reply,
      resetPage.template,
      { ...resetPage.state, heading: 'Choose a new password', token },
      async () => {
        await inTransaction(deps, request, (ctx) =>
          resetPassword(deps, ctx, token, formField(request.body, 'password')),
        );
        clearSessionCookie(request, reply);
        return renderPage(request, reply, 'pages/auth/notice.njk', {
          heading: 'Password changed',
          text: 'Sign in with your new password. You were signed out everywhere.',
          actionHref: '/login',
          actionLabel: 'Sign in',
        });
      },
    );
  });

  const invitePage = page('pages/auth/invite.njk', 'Welcome', 'Choose a password to activate your account.');
  app.get('/auth/invite', { ...PUBLIC, schema: { querystring: TokenQuery } }, async (request, reply) =>
    renderPage(request, reply, invitePage.template, {
      ...invitePage.state,
      token: request.query.token ?? '',
    }),
  );
  app.post('/auth/invite', { ...PUBLIC, schema: { body: FormBody } }, async (request, reply) => {
    const token = formField(request.body, 'token');
    return handleForm(request, reply, invitePage.template, { ...invitePage.state, token }, async () => {
      const user = await inTransaction(deps, request, (ctx) =>
        acceptInvitation(deps, ctx, token, formField(request.body, 'password')),
      );
      return signInAndGo(request, reply, user, 'invitation');
    });
  });

  app.post('/logout', PUBLIC, async (request, reply) => {
    await endCurrentSession(deps, request);
    clearSessionCookie(request, reply);
    return reply.redirect('/login', 303);
  });
};
