import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { needs } from '../../../identity/access.js';
import { authDeps } from '../../../identity/ports.js';
import { inTransaction } from '../../../identity/request-context.js';
import { receivedUploads } from '../../../platform/http/multipart.js';
import { AppError } from '../../../shared/errors.js';
import { ticketActor } from '../request-actor.js';
import { Attachment, presentAttachment } from './schemas.js';
import { attachmentDeps, findDownloadable, storeUploads } from './service.js';
import { contentDisposition, servedInline } from './sniff.js';

const tags = ['tickets'];
const Params = Type.Object({ id: Type.String({ format: 'uuid', description: 'The attachment’s id' }) });
const READ = needs('tickets:read:own', 'tickets:read:any');
const UPLOAD = needs('tickets:create', 'tickets:update:own', 'tickets:update:any');

/** Uploads (stored first, attached to a message by id) and the permission-checked downloads. */
export const attachmentApiRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const deps = authDeps(app.platform);
  const files = attachmentDeps(app.platform);
  const db = app.platform.database.db;

  app.post(
    '/api/v1/uploads',
    {
      config: { ...UPLOAD.config, uploads: true },
      // After the access check, before the body is validated.
      preValidation: async (request) => {
        if (!request.isMultipart())
          throw new AppError('unsupported_media_type', 'Send the files as multipart/form-data.');
      },
      schema: {
        tags,
        summary: 'Upload files to attach to a new ticket or message (send their ids as `attachmentIds`)',
        description: [
          'A `multipart/form-data` body with one or more `file` parts. Each file is checked against',
          'ATTACHMENT_MAX_BYTES (413 when larger) and the request against ATTACHMENT_MAX_PER_MESSAGE',
          '(400 beyond it); a refused request stores nothing. The type is detected from the content.',
          'Uploads not attached to a message within 24 hours are deleted.',
        ].join(' '),
        consumes: ['multipart/form-data'],
        // For the API description only: files never reach the body (see platform/http/multipart.ts).
        body: Type.Object({
          file: Type.Optional(
            Type.Array(Type.Unsafe<never>({ type: 'string', format: 'binary' }), {
              description: 'One part per file; the part’s file name becomes the attachment’s name',
            }),
          ),
        }),
        response: {
          201: Type.Object(
            { items: Type.Array(Attachment) },
            { description: 'The stored uploads, in order' },
          ),
        },
      },
    },
    async (request, reply) => {
      const received = receivedUploads(request);
      if (received.problem) throw received.problem;
      const actor = ticketActor(request);
      const stored = await inTransaction(deps, request, (ctx) =>
        storeUploads(files, ctx, actor, received.files),
      );
      return reply.code(201).send({ items: stored.map(presentAttachment) });
    },
  );

  app.get(
    '/api/v1/attachments/:id',
    {
      ...READ,
      schema: {
        tags,
        summary: 'An attachment’s details (404 unless its message is one you may read, or it is your upload)',
        params: Params,
        response: { 200: Attachment },
      },
    },
    async (request) => presentAttachment(await findDownloadable(db, ticketActor(request), request.params.id)),
  );

  app.get(
    '/api/v1/attachments/:id/content',
    {
      ...READ,
      // The exact bytes, with their length: nothing re-encodes them on the way out.
      compress: false,
      schema: {
        tags,
        summary: 'Download an attachment (raster images inline, everything else as a download)',
        params: Params,
        response: {
          200: {
            description: 'The file, with its detected Content-Type and a Content-Disposition',
            content: { '*/*': { schema: Type.Unsafe<Readable>({ type: 'string', format: 'binary' }) } },
          },
        },
      },
    },
    async (request, reply) => {
      const file = await findDownloadable(db, ticketActor(request), request.params.id);
      const content = await app.platform.storage.get(file.storage_key);
      const inline = servedInline(file.content_type);
      const type = file.content_type.startsWith('text/')
        ? `${file.content_type}; charset=utf-8`
        : file.content_type;
      return reply
        .headers({
          'content-type': type,
          'content-length': String(file.size_bytes),
          'content-disposition': contentDisposition(inline ? 'inline' : 'attachment', file.filename),
          'x-content-type-options': 'nosniff',
          // Even opened directly, a file can run nothing and reach nothing (CSP sandbox).
          'content-security-policy': "default-src 'none'; sandbox; frame-ancestors 'none'",
          // No cache-control here: every answer to a session or bearer is no-store (session-plugin.ts).
          etag: `"${file.sha256}"`,
        })
        .send(content);
    },
  );
};
