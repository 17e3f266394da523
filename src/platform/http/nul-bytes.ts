import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../shared/errors.js';

const NUL = '\u0000';
/** Deeper than any form or API body this app takes; a deeper one is not searched further. */
const MAX_DEPTH = 32;

/** A JSON pointer to the first string (or key) holding U+0000 in `value`, or undefined. */
function nulAt(value: unknown, pointer: string, depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes(NUL) ? pointer : undefined;
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH || Buffer.isBuffer(value))
    return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const at = `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
    if (key.includes(NUL)) return at;
    const found = nulAt(inner, at, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** Throws a 400 naming the first query, path or body field that holds U+0000. */
export function refuseNulBytes(request: FastifyRequest): void {
  const at =
    nulAt(request.query, '/query') ?? nulAt(request.params, '/params') ?? nulAt(request.body, '/body');
  if (!at) return;
  const detail = 'must not contain a NUL character (U+0000)';
  throw new AppError('validation_failed', `${at} ${detail}.`, { errors: [{ pointer: at, detail }] });
}

/**
 * PostgreSQL cannot store U+0000 in text or jsonb, so a NUL byte anywhere in a request's query,
 * path parameters or body (JSON, form or multipart fields) would fail deep in a query as a 500.
 * It is refused up front as a 400 that names the field; no legitimate text contains it.
 */
export const nulBytePlugin = fp(
  async (app: FastifyInstance) => {
    app.addHook('preValidation', (request, _reply, done) => {
      try {
        refuseNulBytes(request);
        done();
      } catch (error) {
        done(error as Error);
      }
    });
  },
  { name: 'nul-bytes' },
);
