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
import { LOCALE_NAMES, LOCALES } from '../../platform/i18n/locales.js';
import { AppError } from '../../shared/errors.js';
import { firstSchemaError } from '../../shared/schema-errors.js';
import { FormBody, type FormState, formField, handleForm, renderPage } from '../../web/forms.js';
import { preparePage } from '../../web/page-context.js';
import { isLocale } from '../../web/preferences.js';
import { requireUser } from './mfa/service.js';
import { presentMe } from './present.js';
import { confirmPhone, sendPhoneVerification, wrongPhoneCode } from './service/phone.js';
import { wordsFor } from './words.js';

const TEMPLATE = 'pages/auth/account.njk';
/** The empty value of the language and zone selects: null in the profile, the browser decides. */
const AUTOMATIC = '';
const ZONES = TIME_ZONES.map((zone) => ({ value: zone, label: zone.replaceAll('_', ' ') }));

/** What every rendering of the account page shows, whatever form was just sent. */
const pageState = async (request: FastifyRequest, user: UserRow) => {
  const automatic = { value: AUTOMATIC, label: wordsFor(request)('auth:account.automatic') };
  return {
    user: presentMe(user),
    languages: [automatic, ...LOCALES.map((code) => ({ value: code, label: LOCALE_NAMES[code] }))],
    timeZones: [automatic, ...ZONES],
    ...(await profileSectionsFor(request, user)),
  };
};

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
    const t = wordsFor(request);
    const locale = formField(request.body, 'locale');
    const patch: Static<typeof ProfilePatch> = {
      displayName: formField(request.body, 'displayName'),
      company: formField(request.body, 'company') || null,
      locale: locale === AUTOMATIC ? null : locale,
      timeZone: formField(request.body, 'timeZone') || null,
    };
    const values = { ...patch, company: patch.company ?? '', locale, timeZone: patch.timeZone ?? AUTOMATIC };
    return action(request, reply, { values: values as Record<string, string> }, async (user) => {
      const invalid = firstSchemaError(ProfilePatch, patch);
      const field =
        invalid?.pointer.split('/').pop() ?? (patch.locale && !isLocale(patch.locale) ? 'locale' : '');
      if (field) {
        const detail = ['displayName', 'company', 'locale', 'timeZone'].includes(field)
          ? t(`auth:account.errors.${field}`)
          : (invalid?.message ?? '');
        throw new AppError('validation_failed', undefined, {
          errors: [{ pointer: `/body/${field}`, detail }],
        });
      }
      const updated = await inTransaction(deps, request, (ctx) => updateProfile(ctx.trx, user.id, patch));
      // The page after saving speaks the language, and shows the zone, just chosen.
      request.page = null;
      const context = await preparePage(request, reply);
      return page(request, reply, updated, {
        messages: [{ type: 'success', text: context.t('auth:account.saved') }],
      });
    });
  });

  app.post('/account/phone', { ...SIGNED_IN, schema: { body: FormBody } }, async (request, reply) => {
    const phone = formField(request.body, 'phone').replace(/[\s()-]/g, '');
    return action(request, reply, { values: { phone } }, async (user) => {
      await inTransaction(deps, request, (ctx) => sendPhoneVerification(deps, ctx, user, phone));
      return page(request, reply, user, {
        pendingPhone: phone,
        messages: [{ type: 'info', text: wordsFor(request)('auth:account.texted', { phone }) }],
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
        messages: [
          {
            type: 'success',
            text: wordsFor(request)('auth:account.phoneVerified', { phone: updated.phone }),
          },
        ],
      });
    });
  });
};
