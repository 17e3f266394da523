import multipart, { type MultipartFile } from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { formatBytes } from '../../shared/bytes.js';
import { AppError } from '../../shared/errors.js';
import { refuseNulBytes } from './nul-bytes.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route takes files in a multipart/form-data body; they arrive in `request.uploads`. */
    uploads?: boolean;
  }
  interface FastifyRequest {
    uploads: ReceivedUploads | null;
  }
}

export interface ReceivedFile {
  fieldname: string;
  filename: string;
  data: Buffer;
}

/** The files of a multipart request, and the first limit they broke (the handler decides how to answer). */
export interface ReceivedUploads {
  files: ReceivedFile[];
  problem: AppError | null;
}

export interface MultipartLimits {
  maxFileBytes: number;
  maxFiles: number;
  maxFieldBytes: number;
}

/** What a multipart request brought; empty for any other body. */
export const receivedUploads = (request: FastifyRequest): ReceivedUploads =>
  request.uploads ?? { files: [], problem: null };

async function readWithin(part: MultipartFile): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of part.file) chunks.push(chunk as Buffer);
  return part.file.truncated ? undefined : Buffer.concat(chunks);
}

/** What busboy says of a body that ends early or breaks the format (it sets no status code). */
const BROKEN_BODY = /unexpected end|terminated early|malformed|boundary not found|multipart/i;

/**
 * A multipart body the parser could not read (cut short by the client, or malformed) as the 400
 * it is; undefined for any other error.
 */
export function brokenMultipart(request: FastifyRequest, error: unknown): AppError | undefined {
  if (!(error instanceof Error) || error instanceof AppError) return undefined;
  if ((error as { statusCode?: number }).statusCode !== undefined) return undefined;
  if (!request.isMultipart?.() || !BROKEN_BODY.test(error.message)) return undefined;
  return new AppError('bad_request', 'The multipart body is incomplete or malformed.');
}

/**
 * multipart/form-data for every route: text fields become `request.body` (so a form's `_csrf`
 * is checked as for any other form), files are read into memory, within the limits, only on
 * routes that say `config: { uploads: true }`. A file over the size limit, or files beyond the
 * count, are drained rather than kept and recorded as `request.uploads.problem`, so an API route
 * can throw it and a page can show it next to the form. Registered after the access check, so
 * nobody unknown gets to send files.
 */
export const multipartPlugin = fp(
  async (app: FastifyInstance, limits: MultipartLimits) => {
    app.decorateRequest('uploads', null);
    await app.register(multipart, {
      attachFieldsToBody: 'keyValues',
      throwFileSizeLimit: false,
      limits: { fileSize: limits.maxFileBytes, fieldSize: limits.maxFieldBytes, fields: 100, parts: 200 },
      async onFile(part) {
        if (this.routeOptions.config.uploads !== true)
          throw new AppError('unsupported_media_type', 'This address takes no files.');
        this.uploads ??= { files: [], problem: null };
        const uploads = this.uploads;
        if (uploads.files.length >= limits.maxFiles) {
          part.file.resume();
          uploads.problem ??= new AppError(
            'validation_failed',
            `Send at most ${limits.maxFiles} files at once.`,
            {
              filename: part.filename,
              errors: [{ pointer: `/body/${part.fieldname}`, detail: `at most ${limits.maxFiles} files` }],
            },
          );
          return;
        }
        const data = await readWithin(part);
        if (data === undefined) {
          uploads.problem ??= new AppError(
            'payload_too_large',
            `${part.filename || 'A file'} is larger than ${formatBytes(limits.maxFileBytes)}.`,
            {
              filename: part.filename,
              errors: [
                {
                  pointer: `/body/${part.fieldname}`,
                  detail: `larger than ${formatBytes(limits.maxFileBytes)}`,
                },
              ],
            },
          );
          return;
        }
        // A form's file input left empty still sends a part: no name, no bytes.
        if (part.filename === '' && data.length === 0) return;
        uploads.files.push({ fieldname: part.fieldname, filename: part.filename, data });
      },
    });
    // The fields reach `request.body` in the multipart plugin's own preValidation hook, after the
    // app-wide NUL check has run: check them again here. A file's name is stored as text too.
    app.addHook('preValidation', async (request) => {
      if (!request.isMultipart()) return;
      refuseNulBytes(request);
      for (const file of request.uploads?.files ?? [])
        if (file.filename.includes('\u0000'))
          throw new AppError('validation_failed', 'A file name must not contain a NUL character (U+0000).', {
            errors: [{ pointer: `/body/${file.fieldname}`, detail: 'file name contains U+0000' }],
          });
    });
  },
  { name: 'multipart', dependencies: ['access-control'] },
);
