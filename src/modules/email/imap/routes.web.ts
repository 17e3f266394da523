import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { needs } from '../../../identity/access.js';
import { actingUser } from '../../../identity/access-plugin.js';
import { authDeps } from '../../../identity/ports.js';
import { inTransaction } from '../../../identity/request-context.js';
import { AppError } from '../../../shared/errors.js';
import { FormBody, type FormState, formField, refusalState, renderPage } from '../../../web/forms.js';
import { preparePage } from '../../../web/page-context.js';
import { findMailbox, listMailboxes, type MailboxRow } from './repo.js';
import {
  changeMailbox,
  createMailbox,
  DEFAULT_DONE_FOLDER,
  type MailboxInput,
  removeMailbox,
  testMailbox,
} from './service.js';
import { MAILBOX_TLS } from './table.js';

const manage = needs('mail:manage');
const BASE = '/admin/mail/mailboxes';
const DONE = ['created', 'saved', 'removed', 'gone'] as const;
const Id = Type.Object({ id: Type.String({ format: 'uuid' }) });
const ListQuery = Type.Object({
  done: Type.Optional(Type.String({ maxLength: 20 })),
  name: Type.Optional(Type.String({ maxLength: 100 })),
});

/** What the form posted, as the use case takes it; with `editing`, a blank password keeps the old one. */
function inputOf(body: unknown, editing: boolean): MailboxInput {
  const port = formField(body, 'port');
  return {
    name: formField(body, 'name'),
    host: formField(body, 'host'),
    ...(port ? { port: /^\d+$/.test(port) ? Number(port) : Number.NaN } : {}),
    tls: formField(body, 'tls') || 'tls',
    username: formField(body, 'username'),
    password:
      typeof (body as Record<string, unknown>)?.password === 'string'
        ? String((body as Record<string, unknown>).password)
        : '',
    folder: formField(body, 'folder'),
    doneFolder: formField(body, 'doneFolder'),
    trustedAuthservId: formField(body, 'trustedAuthservId'),
    enabled: editing ? formField(body, 'enabled') === 'on' : true,
  };
}

const FIELDS = [
  'name',
  'host',
  'port',
  'tls',
  'username',
  'folder',
  'doneFolder',
  'trustedAuthservId',
  'enabled',
];
/** The form as posted, to show again beside its errors (never the password). */
const postedValues = (body: unknown): Record<string, string> =>
  Object.fromEntries(FIELDS.map((f) => [f, formField(body, f)]));

const valuesOf = (row: MailboxRow) => ({
  name: row.name,
  host: row.host,
  port: String(row.port),
  tls: row.tls,
  username: row.username,
  folder: row.folder,
  doneFolder: row.done_folder,
  trustedAuthservId: row.trusted_authserv_id ?? '',
  enabled: row.enabled ? 'on' : '',
});

/**
 * `/admin/mail/mailboxes`: the IMAP mailboxes the channel polls, how each last poll went, and
 * add, edit (a blank password keeps the stored one), remove (asked to confirm on a page of its
 * own) and "test connection".
 */
export const mailboxWebRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const deps = authDeps(app.platform);
  const secret = app.platform.config.SECRET_KEY!;

  async function listPage(request: FastifyRequest, reply: FastifyReply, state: FormState = {}, status = 200) {
    const { t, when } = await preparePage(request, reply);
    const rows = await listMailboxes(deps.db);
    return renderPage(
      request,
      reply,
      'pages/mail/mailboxes.njk',
      {
        mailboxes: rows.map((r) => ({
          id: r.id,
          name: r.name,
          where: `${r.username} · ${r.host}:${r.port} · ${t(`email:mailboxes.tlsOptions.${r.tls}`)}`,
          folders: t('email:mailboxes.folders', { folder: r.folder, done: r.done_folder }),
          enabled: r.enabled,
          polled: r.last_poll_at ? when(r.last_poll_at) : null,
          result: r.last_result,
          error: r.last_error,
          counts: t('email:mailboxes.counts', {
            taken: Number(r.messages_taken),
            duplicate: Number(r.messages_duplicate),
          }),
        })),
        tlsOptions: tlsOptions(t),
        values: { tls: 'tls', folder: 'INBOX', doneFolder: DEFAULT_DONE_FOLDER },
        ...state,
      },
      status,
    );
  }

  const tlsOptions = (t: (key: string) => string) =>
    MAILBOX_TLS.map((value) => ({ value, label: t(`email:mailboxes.tlsOptions.${value}`) }));

  async function editPage(
    request: FastifyRequest,
    reply: FastifyReply,
    row: MailboxRow,
    state: FormState = {},
    status = 200,
  ) {
    const { t } = await preparePage(request, reply);
    return renderPage(
      request,
      reply,
      'pages/mail/mailbox.njk',
      { mailbox: { id: row.id, name: row.name }, tlsOptions: tlsOptions(t), values: valuesOf(row), ...state },
      status,
    );
  }

  const refused = async (
    request: FastifyRequest,
    reply: FastifyReply,
    error: unknown,
  ): Promise<FormState> => {
    if (!(error instanceof AppError) || error.code === 'csrf_failed') throw error;
    const { t } = await preparePage(request, reply);
    return refusalState(error, {}, t);
  };
  const done = (reply: FastifyReply, what: (typeof DONE)[number], name = '') =>
    reply.redirect(`${BASE}?${new URLSearchParams({ done: what, name })}`, 303);
  const actor = (request: FastifyRequest) => actingUser(request).id;

  app.get(BASE, { ...manage, schema: { querystring: ListQuery } }, async (request, reply) => {
    const { t } = await preparePage(request, reply);
    const what = DONE.find((d) => d === request.query.done);
    const messages = what
      ? [
          {
            type: what === 'gone' ? ('error' as const) : ('success' as const),
            text: t(`email:mailboxes.done.${what}`, { name: request.query.name ?? '' }),
          },
        ]
      : [];
    return listPage(request, reply, { messages });
  });

  app.post(BASE, { ...manage, schema: { body: FormBody } }, async (request, reply) => {
    const input = inputOf(request.body, false);
    try {
      const row = await inTransaction(deps, request, (ctx) =>
        createMailbox(ctx, secret, actor(request), input),
      );
      return done(reply, 'created', row.name);
    } catch (error) {
      const state = await refused(request, reply, error);
      return listPage(
        request,
        reply,
        { ...state, values: postedValues(request.body) },
        (error as AppError).status,
      );
    }
  });

  app.get(`${BASE}/:id`, { ...manage, schema: { params: Id } }, async (request, reply) => {
    const row = await findMailbox(deps.db, request.params.id);
    if (!row) return done(reply, 'gone');
    return editPage(request, reply, row);
  });

  app.post(`${BASE}/:id`, { ...manage, schema: { params: Id, body: FormBody } }, async (request, reply) => {
    const input = inputOf(request.body, true);
    try {
      const row = await inTransaction(deps, request, (ctx) =>
        changeMailbox(ctx, secret, actor(request), request.params.id, input),
      );
      return done(reply, 'saved', row.name);
    } catch (error) {
      const row = await findMailbox(deps.db, request.params.id);
      if (!row) return done(reply, 'gone');
      const state = await refused(request, reply, error);
      return editPage(
        request,
        reply,
        row,
        { ...state, values: postedValues(request.body) },
        (error as AppError).status,
      );
    }
  });

  app.get(`${BASE}/:id/remove`, { ...manage, schema: { params: Id } }, async (request, reply) => {
    await preparePage(request, reply);
    const row = await findMailbox(deps.db, request.params.id);
    if (!row) return done(reply, 'gone');
    return renderPage(request, reply, 'pages/mail/mailbox-remove.njk', {
      mailbox: { id: row.id, name: row.name, doneFolder: row.done_folder },
    });
  });

  app.post(
    `${BASE}/:id/remove`,
    { ...manage, schema: { params: Id, body: FormBody } },
    async (request, reply) => {
      try {
        const row = await inTransaction(deps, request, (ctx) =>
          removeMailbox(ctx, actor(request), request.params.id),
        );
        return done(reply, 'removed', row.name);
      } catch (error) {
        if (error instanceof AppError && error.code === 'not_found') return done(reply, 'gone');
        throw error;
      }
    },
  );

  app.post(
    `${BASE}/:id/test`,
    { ...manage, schema: { params: Id, body: FormBody } },
    async (request, reply) => {
      const { t } = await preparePage(request, reply);
      const row = await findMailbox(deps.db, request.params.id);
      if (!row) return done(reply, 'gone');
      const { result } = await testMailbox(deps.db, secret, row.id);
      const text = result.ok
        ? t('email:mailboxes.tested.ok', { name: row.name, count: result.messages, folder: row.folder })
        : t('email:mailboxes.tested.failed', { name: row.name, error: result.error });
      return listPage(request, reply, { messages: [{ type: result.ok ? 'success' : 'error', text }] });
    },
  );
};
