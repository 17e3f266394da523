import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PUBLIC } from '../../../identity/access.js';
import { inTransaction } from '../../../identity/request-context.js';
import { requestMeta } from '../../../identity/session-plugin.js';
import { FormBody, type FormState, formField, formText, handleForm, renderPage } from '../../../web/forms.js';
import { preparePage } from '../../../web/page-context.js';
import { leadDeps } from '../context.js';
import { issueFillToken } from '../fill-token.js';
import { leadSettings, serviceLabel } from '../settings.js';
import { screenSubmission, storeLead } from '../submit.js';

const FORM = 'pages/leads/contact.njk';
const SENT = 'pages/leads/contact_sent.njk';
/** The hidden field bots fill in; named like a field a form might really have. */
export const HONEYPOT = 'website';

/**
 * The public contact form (`/contact`): name, address, phone, company, the service asked about,
 * the message and consent to be contacted become a lead for the team (submit.ts). Spam is held
 * off without third parties: a honeypot, a signed fill time, per-IP and per-address counts.
 */
export const contactWebRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const deps = leadDeps(app.platform);

  /** Each showing of the form carries a fresh signed fill time; no copy of the page is kept. */
  async function form(request: FastifyRequest, reply: FastifyReply, state: FormState = {}, status = 200) {
    const { t } = await preparePage(request, reply);
    const { services } = await leadSettings(deps.db);
    reply.header('cache-control', 'no-store');
    return renderPage(
      request,
      reply,
      FORM,
      {
        active: 'contact',
        honeypot: HONEYPOT,
        token: issueFillToken(deps.config.SECRET_KEY!),
        services: [
          { value: '', label: t('leads:contact.serviceNone') },
          ...services.map((s) => ({ value: s, label: serviceLabel(s, t) })),
        ],
        ...state,
      },
      status,
    );
  }

  app.get('/contact', PUBLIC, (request, reply) => form(request, reply));

  app.post('/contact', { ...PUBLIC, schema: { body: FormBody } }, async (request, reply) => {
    const { t, lang: locale } = await preparePage(request, reply);
    const values = {
      name: formField(request.body, 'name'),
      email: formField(request.body, 'email'),
      phone: formField(request.body, 'phone'),
      company: formField(request.body, 'company'),
      service: formField(request.body, 'service'),
      message: formText(request.body, 'message'),
    };
    const consent = formField(request.body, 'consent') === 'yes';
    return handleForm(
      request,
      reply,
      (state, status) => form(request, reply, state, status),
      { values: { ...values, consent: consent ? 'yes' : '' } },
      async () => {
        const lead = await screenSubmission(deps, requestMeta(request).ip, {
          ...values,
          consent,
          locale,
          honeypot: formText(request.body, HONEYPOT),
          token: formField(request.body, 'token'),
        });
        // A bot that filled the honeypot is answered like a person, and nothing is stored.
        if (lead) await inTransaction(deps, request, (ctx) => storeLead(deps, ctx, lead, locale));
        return reply.redirect('/contact/sent', 303);
      },
      {
        messageFor: (error) =>
          error.code === 'validation_failed' && error.extras.errors
            ? t('leads:contact.errors.check')
            : undefined,
      },
    );
  });

  app.get('/contact/sent', PUBLIC, (request, reply) =>
    renderPage(request, reply, SENT, { active: 'contact' }),
  );
};
