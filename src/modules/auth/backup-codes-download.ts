import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthDeps } from '../../identity/context.js';
import { SealedBox } from '../../platform/secrets/sealed-box.js';

/**
 * Backup codes are shown once, right after they are made. So that they can also be saved as a
 * file, the new session (a factor was added: new session id) keeps them sealed for a few minutes;
 * the download answers only in that session, only in that time, and is never cached.
 */
const DOWNLOAD_WINDOW_MS = 15 * 60_000;
const SESSION_KEY = 'backupCodesSealed';

const box = (deps: AuthDeps) => new SealedBox(deps.config.SECRET_KEY!, 'backup-codes-download');

/** Session data holding `codes` for the download (pass to `restartAfterFactorAdded`). */
export const backupCodesSessionData = (deps: AuthDeps, codes: readonly string[] | undefined) =>
  codes ? { [SESSION_KEY]: box(deps).seal(JSON.stringify({ codes, at: Date.now() })) } : {};

/** The codes this session may still download, or undefined. */
export function downloadableCodes(deps: AuthDeps, request: FastifyRequest): string[] | undefined {
  const sealed = request.session?.data[SESSION_KEY];
  if (typeof sealed !== 'string') return undefined;
  try {
    const { codes, at } = JSON.parse(box(deps).open(sealed)) as { codes: string[]; at: number };
    return Date.now() - at < DOWNLOAD_WINDOW_MS ? codes : undefined;
  } catch {
    return undefined;
  }
}

/** A `text/plain` attachment, kept by no cache. */
export function sendCodesFile(reply: FastifyReply, heading: string, codes: readonly string[]) {
  return reply
    .header('content-type', 'text/plain; charset=utf-8')
    .header('content-disposition', 'attachment; filename="switchboard-backup-codes.txt"')
    .header('cache-control', 'no-store')
    .send(`${heading}\n\n${codes.join('\n')}\n`);
}
