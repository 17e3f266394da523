import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { needs } from '../../identity/access.js';
import { actingUser } from '../../identity/access-plugin.js';
import { authDeps } from '../../identity/ports.js';
import { inTransaction } from '../../identity/request-context.js';
import { hasRecentAuth, requireRecentAuth } from '../../identity/session-plugin.js';
import { AppError } from '../../shared/errors.js';
import { FormBody, type FormState, formField, handleForm, renderPage } from '../../web/forms.js';
import { wordsOf } from '../../web/page-context.js';
import { type ClientRow, findClient, listClients } from './clients/repo.js';
import { ClientIdParams, presentClient } from './clients/schemas.js';
import { deleteClient, registerClient, rotateClientSecret, updateClient } from './clients/service.js';
import type { ClientGrantType, ClientType } from './clients/table.js';
import { API_SCOPES, scopeMessageKey } from './scopes.js';

const PAGE = 50;
const manage = needs('oauth_clients:manage');
/** The form's choices; the page words them from `oauth:grants.*` and `oauth:scopes.*`. */
const grantOptions = [
  { value: 'authorization_code' },
  { value: 'refresh_token' },
  { value: 'client_credentials' },
];
const scopeOptions = Object.keys(API_SCOPES).map((value) => ({ value, key: scopeMessageKey(value) }));

// Pages asked for without `Accept: text/html` (scripts, tests) have no page context: English.
const tr = (request: FastifyRequest) => wordsOf(request);
const confirmFirst = (request: FastifyRequest) => (error: AppError) =>
  error.code === 'reauth_required' ? tr(request)('oauth:reauth.first') : undefined;
const reauthNotice = (request: FastifyRequest) =>
  (request.query as { reauth?: string } | undefined)?.reauth === 'failed'
    ? [{ type: 'error' as const, text: tr(request)('oauth:reauth.failed') }]
    : [];

/** Checkbox fields arrive as one string, a list, or nothing. */
const checked = (body: unknown, name: string): string[] => {
  const value = (body as Record<string, unknown>)[name];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
};

function formInput(body: unknown) {
  const raw = (body as Record<string, unknown>).redirectUris;
  return {
    name: formField(body, 'name'),
    redirectUris: (typeof raw === 'string' ? raw.slice(0, 20_000) : '').split(/\r?\n/),
    grantTypes: checked(body, 'grantTypes') as ClientGrantType[],
    scopes: checked(body, 'scopes'),
  };
}

/** What the form shows: a row's values, or what was just entered. */
const formValues = (c: { redirectUris: string[] } & Record<string, unknown>) => ({
  ...c,
  redirectUris: c.redirectUris.filter(Boolean).join('\n'),
});

/** The admin panel's Apps section: register, change, rotate secrets, delete. */
export const clientWebRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const deps = authDeps(app.platform);
  const common = (request: FastifyRequest) => ({
    grantOptions,
    scopeOptions,
    needsReauth: !hasRecentAuth(request),
  });

  async function list(
    request: FastifyRequest,
    reply: FastifyReply,
    offset: number,
    state: FormState = {},
    status = 200,
  ) {
    const page = await listClients(deps.db, { limit: PAGE, offset });
    return renderPage(
      request,
      reply,
      'pages/oauth/clients.njk',
      {
        ...common(request),
        c: { type: 'confidential', grantTypes: ['client_credentials'], scopes: [], redirectUris: '' },
        clients: page.items.map((c) => ({
          href: `/admin/apps/${c.client_id}`,
          name: c.name,
          clientId: c.client_id,
          type: tr(request)(`oauth:clients.typeNames.${c.type}`),
          grants: c.grant_types.join(', '),
          scopes: c.scopes.join(' '),
        })),
        previous: offset > 0 ? `/admin/apps?offset=${Math.max(0, offset - PAGE)}` : null,
        next: offset + PAGE < page.total ? `/admin/apps?offset=${offset + PAGE}` : null,
        ...state,
      },
      status,
    );
  }

  async function detail(
    request: FastifyRequest,
    reply: FastifyReply,
    client: ClientRow,
    state: FormState = {},
    status = 200,
  ) {
    const shown = presentClient(client);
    return renderPage(
      request,
      reply,
      'pages/oauth/client.njk',
      { ...common(request), client: shown, c: formValues(shown), ...state },
      status,
    );
  }

  const existing = async (clientId: string) => {
    const client = await findClient(deps.db, clientId);
    if (!client) throw new AppError('not_found', 'There is no app with this client id.');
    return client;
  };

  app.get(
    '/admin/apps',
    {
      ...manage,
      schema: {
        querystring: Type.Object({
          offset: Type.Optional(Type.Integer({ minimum: 0 })),
          reauth: Type.Optional(Type.String({ maxLength: 10 })),
        }),
      },
    },
    async (request, reply) =>
      list(request, reply, request.query.offset ?? 0, { messages: reauthNotice(request) }),
  );

  app.post('/admin/apps', { ...manage, schema: { body: FormBody } }, async (request, reply) => {
    const input = { ...formInput(request.body), type: formField(request.body, 'type') as ClientType };
    const listAgain = (state: FormState, status: number) => list(request, reply, 0, state, status);
    return handleForm(
      request,
      reply,
      listAgain,
      { c: formValues(input) },
      async () => {
        requireRecentAuth(request);
        const actorId = actingUser(request).id;
        const { client, secret } = await inTransaction(deps, request, (ctx) =>
          registerClient(ctx, actorId, input),
        );
        // Rendered, not redirected: the secret must not travel in a URL or survive a reload.
        return detail(request, reply, client, {
          secret,
          messages: [
            { type: 'success', text: tr(request)('oauth:clients.registered', { name: client.name }) },
          ],
        });
      },
      { messageFor: confirmFirst(request) },
    );
  });

  app.get(
    '/admin/apps/:clientId',
    {
      ...manage,
      schema: {
        params: ClientIdParams,
        querystring: Type.Object({ reauth: Type.Optional(Type.String({ maxLength: 10 })) }),
      },
    },
    async (request, reply) =>
      detail(request, reply, await existing(request.params.clientId), { messages: reauthNotice(request) }),
  );

  /** A change to one app: needs a recent password confirmation; a refusal re-renders its page. */
  const onClient = (
    suffix: string,
    act: (
      request: FastifyRequest,
      reply: FastifyReply,
      client: ClientRow,
      actorId: string,
    ) => Promise<FastifyReply>,
    entered: (request: FastifyRequest, client: ClientRow) => FormState = () => ({}),
  ) =>
    app.post(
      `/admin/apps/:clientId${suffix}`,
      { ...manage, schema: { params: ClientIdParams, body: FormBody } },
      async (request, reply) => {
        const client = await existing(request.params.clientId);
        const detailAgain = (state: FormState, status: number) =>
          detail(request, reply, client, state, status);
        return handleForm(
          request,
          reply,
          detailAgain,
          entered(request, client),
          async () => {
            requireRecentAuth(request);
            return act(request, reply, client, actingUser(request).id);
          },
          { messageFor: confirmFirst(request) },
        );
      },
    );

  onClient(
    '',
    async (request, reply, client, actorId) => {
      const input = formInput(request.body);
      const updated = await inTransaction(deps, request, (ctx) =>
        updateClient(ctx, actorId, client.client_id, input),
      );
      return detail(request, reply, updated, {
        messages: [{ type: 'success', text: tr(request)('oauth:clients.saved') }],
      });
    },
    (request, client) => ({ c: formValues({ ...presentClient(client), ...formInput(request.body) }) }),
  );

  onClient('/secret', async (request, reply, client, actorId) => {
    const rotated = await inTransaction(deps, request, (ctx) =>
      rotateClientSecret(ctx, actorId, client.client_id),
    );
    return detail(request, reply, rotated.client, {
      secret: rotated.secret,
      messages: [{ type: 'success', text: tr(request)('oauth:clients.rotated') }],
    });
  });

  onClient('/delete', async (request, reply, client, actorId) => {
    await inTransaction(deps, request, (ctx) => deleteClient(ctx, actorId, client.client_id));
    const text = tr(request)('oauth:clients.deleted', { name: client.name });
    return list(request, reply, 0, { messages: [{ type: 'success', text }] });
  });
};
