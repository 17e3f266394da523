import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type, { type TSchema } from 'typebox';
import { needs } from '../../../identity/access.js';
import { authDeps } from '../../../identity/ports.js';
import { inTransaction } from '../../../identity/request-context.js';
import { listMailboxes, type MailboxRow } from './repo.js';
import { changeMailbox, createMailbox, removeMailbox, testMailbox } from './service.js';

const manage = needs('mail:manage');
const tags = ['Email'];
const Id = Type.Object({ id: Type.String({ format: 'uuid' }) });
const Tls = Type.Union([Type.Literal('tls'), Type.Literal('starttls'), Type.Literal('none')], {
  description: '`tls` (from the first byte), `starttls` (required upgrade) or `none`',
});
const nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

const Mailbox = Type.Object({
  id: Type.String(),
  name: Type.String(),
  host: Type.String(),
  port: Type.Integer(),
  tls: Tls,
  username: Type.String(),
  folder: Type.String(),
  doneFolder: Type.String(),
  trustedAuthservId: nullable(Type.String()),
  enabled: Type.Boolean(),
  lastPollAt: nullable(Type.String({ format: 'date-time' })),
  lastResult: nullable(Type.Union([Type.Literal('ok'), Type.Literal('failed')])),
  lastError: nullable(Type.String()),
  messagesTaken: Type.Integer(),
  messagesDuplicate: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

const fields = {
  name: Type.String({ minLength: 1, maxLength: 80, examples: ['Support inbox'] }),
  host: Type.String({ minLength: 1, maxLength: 253, examples: ['imap.gmail.com'] }),
  port: Type.Integer({ minimum: 1, maximum: 65535, description: 'Default 993 with `tls`, else 143' }),
  tls: Tls,
  username: Type.String({ minLength: 1, maxLength: 320 }),
  folder: Type.String({ minLength: 1, maxLength: 200, description: 'Default INBOX' }),
  doneFolder: Type.String({
    minLength: 1,
    maxLength: 200,
    description: 'Default Switchboard/Done; created if missing',
  }),
  trustedAuthservId: nullable(
    Type.String({
      maxLength: 253,
      description: 'Whose Authentication-Results to believe, e.g. mx.google.com',
    }),
  ),
  enabled: Type.Boolean(),
};
const Create = Type.Object(
  {
    name: fields.name,
    host: fields.host,
    port: Type.Optional(fields.port),
    tls: Type.Optional(fields.tls),
    username: fields.username,
    password: Type.String({ minLength: 1, maxLength: 1024, description: 'Stored sealed; never returned' }),
    folder: Type.Optional(fields.folder),
    doneFolder: Type.Optional(fields.doneFolder),
    trustedAuthservId: Type.Optional(fields.trustedAuthservId),
    enabled: Type.Optional(fields.enabled),
  },
  { additionalProperties: false },
);
const Change = Type.Object(
  {
    name: Type.Optional(fields.name),
    host: Type.Optional(fields.host),
    port: Type.Optional(fields.port),
    tls: Type.Optional(fields.tls),
    username: Type.Optional(fields.username),
    password: Type.Optional(
      Type.String({ maxLength: 1024, description: 'Empty or left out: the stored one stays' }),
    ),
    folder: Type.Optional(fields.folder),
    doneFolder: Type.Optional(fields.doneFolder),
    trustedAuthservId: Type.Optional(fields.trustedAuthservId),
    enabled: Type.Optional(fields.enabled),
  },
  { additionalProperties: false },
);

export const presentMailbox = (r: MailboxRow) => ({
  id: r.id,
  name: r.name,
  host: r.host,
  port: r.port,
  tls: r.tls,
  username: r.username,
  folder: r.folder,
  doneFolder: r.done_folder,
  trustedAuthservId: r.trusted_authserv_id,
  enabled: r.enabled,
  lastPollAt: r.last_poll_at?.toISOString() ?? null,
  lastResult: r.last_result,
  lastError: r.last_error,
  messagesTaken: Number(r.messages_taken),
  messagesDuplicate: Number(r.messages_duplicate),
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/** IMAP mailboxes the channel polls, for mail administrators; the password goes in, never out. */
export const mailboxApiRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const deps = authDeps(app.platform);
  const secret = app.platform.config.SECRET_KEY!;
  const actorOf = (request: { actor?: { user?: { id: string } | null } | null }) =>
    request.actor?.user?.id ?? null;

  app.get(
    '/api/v1/mail/mailboxes',
    {
      ...manage,
      schema: {
        tags,
        summary: 'IMAP mailboxes polled for mail, with how the last poll went',
        response: { 200: Type.Object({ items: Type.Array(Mailbox) }) },
      },
    },
    async () => ({ items: (await listMailboxes(deps.db)).map(presentMailbox) }),
  );

  app.post(
    '/api/v1/mail/mailboxes',
    {
      ...manage,
      schema: { tags, summary: 'Add a mailbox to poll', body: Create, response: { 201: Mailbox } },
    },
    async (request, reply) => {
      const row = await inTransaction(deps, request, (ctx) =>
        createMailbox(ctx, secret, actorOf(request), request.body),
      );
      return reply.code(201).send(presentMailbox(row));
    },
  );

  app.patch(
    '/api/v1/mail/mailboxes/:id',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Change a mailbox (a missing or empty password keeps the stored one)',
        params: Id,
        body: Change,
        response: { 200: Mailbox },
      },
    },
    async (request) =>
      presentMailbox(
        await inTransaction(deps, request, (ctx) =>
          changeMailbox(ctx, secret, actorOf(request), request.params.id, request.body),
        ),
      ),
  );

  app.delete(
    '/api/v1/mail/mailboxes/:id',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Stop polling a mailbox and forget it (mail already taken stays)',
        params: Id,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await inTransaction(deps, request, (ctx) => removeMailbox(ctx, actorOf(request), request.params.id));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/mail/mailboxes/:id/test',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Sign in to a mailbox now: can its folder be read and its done folder made?',
        params: Id,
        response: {
          200: Type.Object({
            ok: Type.Boolean(),
            messages: Type.Optional(Type.Integer({ description: 'In the folder now' })),
            error: Type.Optional(Type.String()),
          }),
        },
      },
    },
    async (request) => {
      const { result } = await testMailbox(deps.db, secret, request.params.id);
      return result;
    },
  );
};
