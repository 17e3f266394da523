import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import { SIGNED_IN } from '../../identity/access.js';
import { authDeps } from '../../identity/ports.js';
import { profileSectionsFor } from '../../identity/profile-sections.js';
import { inTransaction } from '../../identity/request-context.js';
import { requireUserId } from '../../identity/session-plugin.js';
import type { UserRow } from '../../identity/users/repo.js';
import { ProfilePatch } from '../../identity/users/schemas.js';
import { TIME_ZONES, updateProfile } from '../../identity/users/service.js';
import { AppError } from '../../shared/errors.js';
import { firstSchemaError } from '../../shared/schema-errors.js';
import { FormBody, type FormState, formField, handleForm, renderPage } from '../../web/forms.js';
import { requireUser } from './mfa/service.js';
import { presentMe } from './present.js';
import { confirmPhone, sendPhoneVerification, wrongPhoneCode } from './service/phone.js';

const TEMPLATE = 'pages/auth/account.njk';
const ZONE_OPTIONS = TIME_ZONES.map((zone) => ({ value: zone, label: zone.replaceAll('_', ' ') }));

const FIELD_MESSAGES: Record<string, string> = {
  displayName: 'Enter your name (at most 120 characters).',
  company: 'At most 200 characters.',
  locale: 'Use a language tag such as en, nl or en-GB.',
  timeZone: 'Choose a time zone from the list.',
};

/** What every rendering of the account page shows, whatever form was just sent. */
const pageState = async (request: FastifyRequest, user: UserRow) => ({
  user: presentMe(user),
  timeZones: ZONE_OPTIONS,
  ...(await profileSectionsFor(request, user)),
});

export const accountPage = async (
  request: FastifyRequest,
  reply: FastifyReply,
  user: UserRow,
  state: FormState = {},
  status = 200,
) => renderPage(request, reply, TEMPLATE, { ...(await pageState(request, user)), ...state }, status);

/** The signed-in user for a page, or undefined when the visitor is not (yet) fully signed in. */
const viewer = async (request: FastifyRequest) => {
  if (request.session?.data.mfa !== 'done') return undefined;
  return requireUser(authDeps(request.server.platform), requireUserId(request));
};
/** Where a visitor who is not fully signed in goes: the sign-in page, or the step still due. */
const unfinished = (request: FastifyRequest) =>
  ({ pending: '/mfa', enroll: '/account/security' })[String(request.session?.data.mfa)] ?? '/login';

/** Runs an account page form; refusals come back on the same page, next to the field they concern. */
export const accountAction = async (
  request: FastifyRequest,
  reply: FastifyReply,
  state: FormState,
  run: (user: UserRow) => Promise<FastifyReply>,
) => {
  const user = await viewer(request);
  if (!user) return reply.redirect(unfinished(request), 303);
  return handleForm(request, reply, TEMPLATE, { ...(await pageState(request, user)), ...state }, () =>
    run(user),
  );
};

/** The profile page: name, company, language and time zone, and the phone number with its check. */
export const profileWebRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const deps = authDeps(app.platform);
  const page = accountPage;
  const action = accountAction;

  app.get('/account', SIGNED_IN, async (request, reply) => {
    const user = await viewer(request);
    if (!user) return reply.redirect(unfinished(request), 303);
    return page(request, reply, user);
  });

  app.post('/account/profile', { ...SIGNED_IN, schema: { body: FormBody } }, async (request, reply) => {
    const patch: Static<typeof ProfilePatch> = {
      displayName: formField(request.body, 'displayName'),
      company: formField(request.body, 'company') || null,
      locale: formField(request.body, 'locale') || 'en',
      timeZone: formField(request.body, 'timeZone') || 'UTC',
    };
    return action(request, reply, { values: patch as Record<string, string> }, async (user) => {
      const invalid = firstSchemaError(ProfilePatch, patch);
      if (invalid) {
        const field = invalid.pointer.split('/').pop()!;
        throw new AppError('validation_failed', undefined, {
          errors: [{ pointer: `/body/${field}`, detail: FIELD_MESSAGES[field] ?? invalid.message }],
        });
      }
      const updated = await inTransaction(deps, request, (ctx) => updateProfile(ctx.trx, user.id, patch));
      return page(request, reply, updated, {
        messages: [{ type: 'success', text: 'Your profile is saved.' }],
      });
    });
  });

  app.post('/account/phone', { ...SIGNED_IN, schema: { body: FormBody } }, async (request, reply) => {
    const phone = formField(request.body, 'phone').replace(/[\s()-]/g, '');
    return action(request, reply, { values: { phone } }, async (user) => {
      await inTransaction(deps, request, (ctx) => sendPhoneVerification(deps, ctx, user, phone));
      return page(request, reply, user, {
        pendingPhone: phone,
        messages: [{ type: 'info', text: `We texted a code to ${phone}. It is valid for 10 minutes.` }],
      });
    });
  });

  app.post('/account/phone/verify', { ...SIGNED_IN, schema: { body: FormBody } }, async (request, reply) => {
    const pendingPhone = formField(request.body, 'pendingPhone');
    return action(request, reply, { pendingPhone }, async (user) => {
      const updated = await inTransaction(deps, request, (ctx) =>
        confirmPhone(deps, ctx, user, formField(request.body, 'code')),
      );
      if (!updated) throw wrongPhoneCode();
      return page(request, reply, updated, {
        messages: [{ type: 'success', text: `Your phone number ${updated.phone} is verified.` }],
      });
    });
  });
};
