import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { needs } from '../../../identity/access.js';
import { auditActor } from '../../../identity/access-plugin.js';
import type { AuthContext } from '../../../identity/context.js';
import { inTransaction } from '../../../identity/request-context.js';
import { runAsSystem } from '../../../platform/db/actor-context.js';
import { notFound } from '../../../shared/errors.js';
import { FormBody, type FormState, formField, formText, handleForm, renderPage } from '../../../web/forms.js';
import { preparePage } from '../../../web/page-context.js';
import { ticketById, ticketKey } from '../../tickets/index.js';
import { type LeadActor, leadDeps } from '../context.js';
import { convertLead } from '../convert.js';
import { addNote, changeLead, removeLead } from '../pipeline.js';
import { findLead, listNotes } from '../repo.js';
import { LeadParams } from '../schemas.js';
import { activeHolders, OWNER_PERMISSIONS } from '../settings.js';
import { STAGES } from '../table.js';

const DONE = ['changed', 'noted', 'converted'] as const;
const Query = Type.Object({ done: Type.Optional(Type.String({ maxLength: 20 })) });
const manage = needs('leads:manage');

/**
 * `/admin/leads/:id`: one lead, what the visitor wrote (escaped, as text), its stage and owner,
 * the team's notes, and once converted the customer and ticket it became. Those who manage leads
 * change the stage and owner, add notes, convert it, and delete it after a confirmation.
 */
export const leadWebRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const deps = leadDeps(app.platform);
  const db = deps.db;

  async function page(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    state: FormState = {},
    status = 200,
  ) {
    const { t, date } = await preparePage(request, reply);
    const lead = await findLead(db, id);
    if (!lead) throw notFound('No lead with this id.');
    const [notes, owners, ticket] = await Promise.all([
      listNotes(db, id),
      activeHolders(db, OWNER_PERMISSIONS),
      // Shown to whoever may open the ticket (row-level security answers for the others).
      lead.ticket_id ? ticketById(db, lead.ticket_id) : undefined,
    ]);
    reply.header('cache-control', 'no-store');
    return renderPage(
      request,
      reply,
      'pages/leads/lead.njk',
      {
        active: 'leads',
        lead: {
          ...lead,
          created: date(lead.created_at, 'datetime'),
          consent: date(lead.consent_at, 'datetime'),
        },
        notes: notes.map((n) => ({ ...n, created: date(n.created_at, 'datetime') })),
        stages: STAGES.map((s) => ({ value: s, label: t(`leads:stages.${s}`) })),
        owners: [
          { value: '', label: t('leads:lead.noOwner') },
          ...owners.map((o) => ({ value: o.id, label: o.display_name })),
        ],
        ticket: ticket ? { key: ticketKey(ticket.number), href: `/inbox/${ticketKey(ticket.number)}` } : null,
        converted: lead.converted_at ? date(lead.converted_at, 'datetime') : null,
        ...state,
      },
      status,
    );
  }

  app.get(
    '/admin/leads/:id',
    { ...needs('leads:read'), schema: { params: LeadParams, querystring: Query } },
    async (request, reply) => {
      const { t } = await preparePage(request, reply);
      const done = DONE.find((d) => d === request.query.done);
      return page(request, reply, request.params.id, {
        messages: done ? [{ type: 'success', text: t(`leads:lead.done.${done}`) }] : [],
      });
    },
  );

  /** One form's change in a transaction, then back to the lead; a refusal re-renders it with the message. */
  const form = (
    path: string,
    done: (typeof DONE)[number] | 'deleted',
    run: (ctx: AuthContext, actor: LeadActor, id: string, body: unknown) => Promise<unknown>,
    /**
     * Run as the system: a conversion makes an account and a ticket on the authority of
     * `leads:manage` (checked above), as the contact channel would, whatever else the role holds.
     */
    options: { system?: boolean } = {},
  ) =>
    app.post(path, { ...manage, schema: { params: LeadParams, body: FormBody } }, async (request, reply) => {
      const { id } = request.params;
      const values = { body: formText(request.body, 'body'), form: done };
      return handleForm(
        request,
        reply,
        (state, status) => page(request, reply, id, state, status),
        { values },
        async () => {
          const work = () =>
            inTransaction(deps, request, (ctx) => run(ctx, auditActor(request), id, request.body));
          await (options.system ? runAsSystem(work) : work());
          return reply.redirect(
            done === 'deleted' ? '/admin/leads?done=deleted' : `/admin/leads/${id}?done=${done}`,
            303,
          );
        },
      );
    });

  form('/admin/leads/:id/change', 'changed', (ctx, actor, id, body) =>
    changeLead(ctx, actor, id, {
      stage: formField(body, 'stage'),
      ownerId: formField(body, 'ownerId') || null,
    }),
  );
  form('/admin/leads/:id/notes', 'noted', (ctx, actor, id, body) =>
    addNote(ctx, actor, id, formText(body, 'body')),
  );
  form('/admin/leads/:id/convert', 'converted', (ctx, actor, id) => convertLead(deps, ctx, actor, id), {
    system: true,
  });
  form('/admin/leads/:id/delete', 'deleted', (ctx, actor, id) => removeLead(ctx, actor, id));
};
