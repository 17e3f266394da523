import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { PUBLIC } from '../../identity/access.js';
import { authDeps } from '../../identity/ports.js';
import { endCurrentSession, inTransaction } from '../../identity/request-context.js';
import { rememberReturnTo, takeReturnTo } from '../../identity/return-to.js';
import { clearSessionCookie } from '../../identity/session-plugin.js';
import { findUserById, type UserRow } from '../../identity/users/repo.js';
import { AppError } from '../../shared/errors.js';
import { FormBody, type FormState, formField, handleForm, renderPage } from '../../web/forms.js';
import {
  consumeMagicLink,
  requestMagicLink,
  requestPasswordReset,
  resetPassword,
} from './service/email-links.js';
import { acceptInvitation } from './service/invitation.js';
import { loginWithPassword } from './service/login.js';
import { resendVerification, signUp, verifyEmail } from './service/signup.js';
import { beginSession } from './sign-in.js';
import { setSignupProofCookie, signupProofCookie } from './signup-cookie.js';
import { tokenPageHeaders } from './token-pages.js';
import { peekToken } from './tokens/one-time-tokens.js';
import { isSignupProof } from './tokens/signup-proof.js';
import { refusalWords, wordsFor } from './words.js';

const TokenQuery = Type.Object({ token: Type.Optional(Type.String({ maxLength: 256 })) });
const LoginQuery = Type.Object({ next: Type.Optional(Type.String({ maxLength: 2048 })) });
/** Pages reached by an emailed link whose URL carries the token (and the forms they post to). */
const TOKEN_PAGES = new Set(['/auth/verify', '/auth/magic', '/auth/reset', '/auth/invite']);
const NOTICE = 'pages/auth/notice.njk';

export const authWebRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const deps = authDeps(app.platform);
  app.addHook('onRequest', async (request, reply) => {
    if (TOKEN_PAGES.has(request.routeOptions.url ?? '')) tokenPageHeaders(reply);
  });

  async function signInAndGo(request: FastifyRequest, reply: FastifyReply, user: UserRow, method: string) {
    const { mfa } = await beginSession(deps, request, reply, user, method);
    if (mfa === 'pending') return reply.redirect('/mfa', 303);
    if (mfa === 'enroll') return reply.redirect('/account/security', 303);
    return reply.redirect(await takeReturnTo(request, reply, user), 303);
  }

  const SIGN_IN = 'pages/auth/sign-in.njk';
  const signIn = (request: FastifyRequest, state: FormState = {}) => {
    const t = wordsFor(request);
    return { heading: t('auth:signIn.title'), lead: t('auth:signIn.lead'), ...state };
  };
  app.get('/login', { ...PUBLIC, schema: { querystring: LoginQuery } }, async (request, reply) => {
    // Same-origin paths only (`localPath`); anything else is dropped and sign-in lands on the home.
    if (request.query.next) rememberReturnTo(request, reply, request.query.next);
    return renderPage(request, reply, SIGN_IN, signIn(request));
  });
  app.post('/login', { ...PUBLIC, schema: { body: FormBody } }, async (request, reply) => {
    const email = formField(request.body, 'email');
    let unconfirmed = false;
    // A correct password on an unconfirmed account: offer to send the link again.
    const page = (state: FormState, status: number) =>
      renderPage(
        request,
        reply,
        SIGN_IN,
        { ...state, ...(unconfirmed ? { resendEmail: email } : {}) },
        status,
      );
    return handleForm(
      request,
      reply,
      page,
      signIn(request, { values: { email } }),
      async () => {
        const user = await inTransaction(deps, request, (ctx) =>
          loginWithPassword(deps, ctx, email, formField(request.body, 'password')),
        ).catch((error: unknown) => {
          unconfirmed = error instanceof AppError && error.code === 'email_not_verified';
          throw error;
        });
        return signInAndGo(request, reply, user, 'password');
      },
      refusalWords(request),
    );
  });
  app.post('/login/magic', { ...PUBLIC, schema: { body: FormBody } }, async (request, reply) => {
    const email = formField(request.body, 'email');
    const t = wordsFor(request);
    const state = signIn(request, { values: { email } });
    return handleForm(
      request,
      reply,
      SIGN_IN,
      state,
      async () => {
        if (!email.includes('@'))
          return renderPage(
            request,
            reply,
            SIGN_IN,
            { ...state, errors: { email: t('auth:signIn.enterEmail') } },
            400,
          );
        await inTransaction(deps, request, (ctx) => requestMagicLink(deps, ctx, email));
        return renderPage(request, reply, NOTICE, {
          heading: t('auth:checkEmail'),
          text: t('auth:checkMail'),
        });
      },
      refusalWords(request),
    );
  });

  const SIGN_UP = 'pages/auth/sign-up.njk';
  const signUpState = (request: FastifyRequest, state: FormState = {}) => {
    const t = wordsFor(request);
    return { heading: t('auth:signUp.title'), lead: t('auth:signUp.lead'), ...state };
  };
  app.get('/signup', PUBLIC, async (request, reply) =>
    renderPage(request, reply, SIGN_UP, signUpState(request)),
  );
  app.post('/signup', { ...PUBLIC, schema: { body: FormBody } }, async (request, reply) => {
    const t = wordsFor(request);
    const values = {
      email: formField(request.body, 'email'),
      displayName: formField(request.body, 'displayName'),
      company: formField(request.body, 'company'),
    };
    const state = signUpState(request, { values });
    return handleForm(
      request,
      reply,
      SIGN_UP,
      state,
      async () => {
        const errors: Record<string, string> = {};
        if (!values.displayName) errors.displayName = t('auth:signUp.nameMissing');
        if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email)) errors.email = t('auth:signUp.emailInvalid');
        if (Object.keys(errors).length > 0)
          return renderPage(request, reply, SIGN_UP, { ...state, errors }, 400);
        const userId = await inTransaction(deps, request, (ctx) =>
          signUp(deps, ctx, { ...values, password: formField(request.body, 'password') }),
        );
        setSignupProofCookie(request, reply, userId);
        return renderPage(request, reply, NOTICE, {
          heading: t('auth:signUp.confirmTitle'),
          text: t('auth:signUp.confirmText', { email: values.email }),
          resendEmail: values.email,
        });
      },
      refusalWords(request),
    );
  });

  // "Send the link again", from the notice after sign-up and from a refused sign-in.
  app.post('/signup/resend', { ...PUBLIC, schema: { body: FormBody } }, async (request, reply) => {
    const t = wordsFor(request);
    const email = formField(request.body, 'email');
    const sent = { heading: t('auth:checkEmail'), text: t('auth:resend.sent'), resendEmail: email };
    return handleForm(
      request,
      reply,
      NOTICE,
      { heading: t('auth:checkEmail'), text: '', resendEmail: email },
      async () => {
        await inTransaction(deps, request, (ctx) => resendVerification(deps, ctx, email));
        return renderPage(request, reply, NOTICE, sent);
      },
      refusalWords(request),
    );
  });

  const confirmPage = (request: FastifyRequest, kind: 'verify' | 'magic', state: FormState = {}) => {
    const t = wordsFor(request);
    return kind === 'verify'
      ? {
          heading: t('auth:verify.title'),
          text: t('auth:verify.text'),
          action: '/auth/verify',
          buttonLabel: t('auth:verify.button'),
          ...state,
        }
      : {
          heading: t('auth:signIn.title'),
          text: t('auth:magic.text'),
          action: '/auth/magic',
          buttonLabel: t('auth:signIn.submit'),
          ...state,
        };
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
    return renderPage(
      request,
      reply,
      'pages/auth/confirm.njk',
      confirmPage(request, 'verify', { token, askPassword: await asksPassword(request, token) }),
    );
  });
  app.post('/auth/verify', { ...PUBLIC, schema: { body: FormBody } }, async (request, reply) => {
    const t = wordsFor(request);
    const token = formField(request.body, 'token');
    const password = formField(request.body, 'password');
    const state = confirmPage(request, 'verify', { token, askPassword: true });
    const page = (refused: FormState, status: number) =>
      renderPage(
        request,
        reply,
        'pages/auth/confirm.njk',
        {
          ...refused,
          ...(refused.errors?.password ? { errors: { password: t('auth:verify.wrongPassword') } } : {}),
        },
        status,
      );
    return handleForm(
      request,
      reply,
      page,
      state,
      async () => {
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
            NOTICE,
            {
              heading: t('auth:verify.invalidTitle'),
              text: t('auth:verify.invalidText'),
              actionHref: '/login',
              actionLabel: t('auth:signIn.submit'),
            },
            400,
          );
        // The browser that signed up, within the link's life: signed in at once.
        if (verified.sameBrowser && verified.passwordSet)
          return signInAndGo(request, reply, verified.user, 'email_verification');
        return renderPage(
          request,
          reply,
          NOTICE,
          verified.passwordSet
            ? {
                heading: t('auth:verify.doneTitle'),
                text: t('auth:verify.doneText'),
                actionHref: '/login',
                actionLabel: t('auth:signIn.submit'),
              }
            : {
                heading: t('auth:verify.doneTitle'),
                text: t('auth:passwordCleared'),
                actionHref: '/reset',
                actionLabel: t('auth:choosePassword'),
              },
        );
      },
      refusalWords(request),
    );
  });

  app.get('/auth/magic', { ...PUBLIC, schema: { querystring: TokenQuery } }, async (request, reply) =>
    renderPage(
      request,
      reply,
      'pages/auth/confirm.njk',
      confirmPage(request, 'magic', { token: request.query.token ?? '' }),
    ),
  );
  app.post('/auth/magic', { ...PUBLIC, schema: { body: FormBody } }, async (request, reply) => {
    const t = wordsFor(request);
    return handleForm(
      request,
      reply,
      SIGN_IN,
      signIn(request),
      async () => {
        const { user, passwordCleared } = await inTransaction(deps, request, (ctx) =>
          consumeMagicLink(deps, ctx, formField(request.body, 'token')),
        );
        if (!passwordCleared) return signInAndGo(request, reply, user, 'magic_link');
        // Signed in, and told first that the password someone chose before is gone.
        const { mfa } = await beginSession(deps, request, reply, user, 'magic_link');
        return renderPage(request, reply, NOTICE, {
          heading: t('auth:magic.noPasswordTitle'),
          text: t('auth:passwordCleared'),
          ...(mfa === 'enroll'
            ? { actionHref: '/account/security', actionLabel: t('auth:magic.enrollFirst') }
            : { actionHref: '/reset', actionLabel: t('auth:choosePassword') }),
        });
      },
      refusalWords(request, { invalid_credentials: 'auth:magic.invalid' }),
    );
  });

  const RESET = 'pages/auth/reset.njk';
  const resetState = (request: FastifyRequest, state: FormState = {}) => ({
    heading: wordsFor(request)('auth:reset.title'),
    ...state,
  });
  const newPasswordState = (request: FastifyRequest, token: string) => ({
    heading: wordsFor(request)('auth:reset.newTitle'),
    token,
  });
  app.get('/reset', PUBLIC, async (request, reply) => renderPage(request, reply, RESET, resetState(request)));
  app.post('/reset', { ...PUBLIC, schema: { body: FormBody } }, async (request, reply) => {
    const t = wordsFor(request);
    const email = formField(request.body, 'email');
    return handleForm(
      request,
      reply,
      RESET,
      resetState(request, { values: { email } }),
      async () => {
        await inTransaction(deps, request, (ctx) => requestPasswordReset(deps, ctx, email));
        return renderPage(request, reply, NOTICE, {
          heading: t('auth:checkEmail'),
          text: t('auth:checkMail'),
        });
      },
      refusalWords(request),
    );
  });
  app.get('/auth/reset', { ...PUBLIC, schema: { querystring: TokenQuery } }, async (request, reply) =>
    renderPage(request, reply, RESET, newPasswordState(request, request.query.token ?? '')),
  );
  app.post('/auth/reset', { ...PUBLIC, schema: { body: FormBody } }, async (request, reply) => {
    const t = wordsFor(request);
    const token = formField(request.body, 'token');
    return handleForm(
      request,
      reply,
      RESET,
      newPasswordState(request, token),
      async () => {
        await inTransaction(deps, request, (ctx) =>
          resetPassword(deps, ctx, token, formField(request.body, 'password')),
        );
        clearSessionCookie(request, reply);
        return renderPage(request, reply, NOTICE, {
          heading: t('auth:reset.doneTitle'),
          text: t('auth:reset.doneText'),
          actionHref: '/login',
          actionLabel: t('auth:signIn.submit'),
        });
      },
      refusalWords(request),
    );
  });

  const INVITE = 'pages/auth/invite.njk';
  const inviteState = (request: FastifyRequest, token: string) => {
    const t = wordsFor(request);
    return { heading: t('auth:invite.title'), lead: t('auth:invite.lead'), token };
  };
  app.get('/auth/invite', { ...PUBLIC, schema: { querystring: TokenQuery } }, async (request, reply) =>
    renderPage(request, reply, INVITE, inviteState(request, request.query.token ?? '')),
  );
  app.post('/auth/invite', { ...PUBLIC, schema: { body: FormBody } }, async (request, reply) => {
    const token = formField(request.body, 'token');
    return handleForm(
      request,
      reply,
      INVITE,
      inviteState(request, token),
      async () => {
        const user = await inTransaction(deps, request, (ctx) =>
          acceptInvitation(deps, ctx, token, formField(request.body, 'password')),
        );
        return signInAndGo(request, reply, user, 'invitation');
      },
      refusalWords(request),
    );
  });

  app.post('/logout', PUBLIC, async (request, reply) => {
    await endCurrentSession(deps, request);
    clearSessionCookie(request, reply);
    return reply.redirect('/login', 303);
  });
};
