import type { FastifyRequest } from 'fastify';
import type { TFunction } from 'i18next';
import type { Config } from '../../../config.js';
import { receivedUploads } from '../../../platform/http/multipart.js';
import { formatBytes } from '../../../shared/bytes.js';
import { AppError } from '../../../shared/errors.js';
import { uploadedBy } from '../attachments/policy.js';
import { unclaimedUploads } from '../attachments/repo.js';
import { presentAttachment } from '../attachments/schemas.js';
import {
  attachmentDeps,
  attachmentsByMessage,
  storeUploads,
  withAttachments,
} from '../attachments/service.js';
import { displayName } from '../attachments/sniff.js';
import { inTicketTransaction, type TicketDeps } from '../context.js';
import type { TicketActor } from '../policy.js';

/** The file input of ticket forms; its errors show under it. */
const FILES_FIELD = 'files';
/** Hidden fields naming files stored by an earlier, refused submit of the same form. */
const KEPT_FIELD = 'attachmentIds';
const ATTACHMENT_POINTER = /^\/body\/(files|attachmentIds)\b/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type AttachmentView = ReturnType<typeof presentAttachment> & { sizeText: string };
const view = (row: Parameters<typeof presentAttachment>[0]): AttachmentView => ({
  ...presentAttachment(row),
  sizeText: formatBytes(row.size_bytes),
});

/** Files a form already stored (hidden `attachmentIds`), when they are still the actor's unclaimed uploads. */
async function keptUploads(request: FastifyRequest, actor: TicketActor): Promise<AttachmentView[]> {
  const raw = (request.body as Record<string, unknown> | undefined)?.[KEPT_FIELD];
  const ids = [raw].flat().filter((id): id is string => typeof id === 'string' && UUID.test(id));
  const db = request.server.platform.database.db;
  const rows = await unclaimedUploads(db, [...new Set(ids)].slice(0, 20));
  return rows.filter((r) => uploadedBy(actor, r)).map(view);
}

/**
 * The files of a multipart page form: those sent now are stored as the actor's uploads (in a
 * transaction of their own, see storeUploads), and those an earlier refused submit stored are
 * kept. `claim` goes into openTicket/addMessage; `kept` lets a refused form show the files again
 * (as hidden fields), so nobody has to pick them twice. `problem` is a broken limit (a file too
 * large, one too many, an empty one), as the file input's error: the form is refused, but the
 * valid files sent with the refused one are stored and kept all the same.
 */
export async function uploadsFromForm(deps: TicketDeps, request: FastifyRequest, actor: TicketActor) {
  const received = receivedUploads(request);
  const kept = await keptUploads(request, actor);
  const { platform } = request.server;
  const t = request.page?.t;
  const empty = received.files.filter((f) => f.data.length === 0);
  const files = received.files.filter((f) => f.data.length > 0);
  const stored =
    files.length === 0
      ? []
      : await inTicketTransaction(deps, request, (ctx) =>
          storeUploads(attachmentDeps(platform), ctx, actor, files, `/body/${FILES_FIELD}`),
        );
  const all = [...kept, ...stored.map(view)];
  const refusedName = received.problem
    ? String(received.problem.extras.filename ?? '')
    : empty[0]
      ? displayName(empty[0].filename)
      : '';
  const problem = received.problem
    ? onFileField(
        t && stored.length + kept.length > 0
          ? keptMessage(received.problem, refusedName, t, platform.config)
          : received.problem,
      )
    : empty[0]
      ? onFileField(
          new AppError('validation_failed', `${refusedName} is empty.`, {
            errors: [{ pointer: `/body/${FILES_FIELD}`, detail: `${refusedName} is empty.` }],
          }),
        )
      : null;
  return {
    problem,
    kept: all,
    claim: withAttachments(
      platform.config,
      all.map((a) => a.id),
    ),
  };
}

/** A refused file named, with the reassurance that the others were kept, in the page's language. */
function keptMessage(problem: AppError, name: string, t: TFunction, config: Config) {
  const reason =
    problem.code === 'payload_too_large'
      ? t('tickets:attachments.reasons.tooBig', { size: formatBytes(config.ATTACHMENT_MAX_BYTES) })
      : t('tickets:attachments.reasons.tooMany', { count: config.ATTACHMENT_MAX_PER_MESSAGE });
  const detail = t('tickets:attachments.refused', { name: name || '?', reason });
  return new AppError(problem.code, detail, {
    ...problem.extras,
    errors: [{ pointer: `/body/${FILES_FIELD}`, detail }],
  });
}

/** Refusals about attachments (limits, claims) belong next to the file input on a page. */
export function onFileField(error: AppError): AppError {
  const errors = error.extras.errors;
  if (!errors?.some((e) => ATTACHMENT_POINTER.test(e.pointer))) return error;
  return new AppError(error.code, error.detail, {
    ...error.extras,
    errors: errors.map((e) =>
      ATTACHMENT_POINTER.test(e.pointer) ? { ...e, pointer: `/body/${FILES_FIELD}` } : e,
    ),
  });
}

/** Each message's files as a thread shows them: name, size and the permission-checked address. */
export async function threadAttachments(request: FastifyRequest, messageIds: readonly string[]) {
  const byMessage = await attachmentsByMessage(request.server.platform.database.db, messageIds);
  return (messageId: string) => (byMessage.get(messageId) ?? []).map(view);
}

/** The server's limits, for the file input to check files before they are sent (attachments.js). */
export const uploadLimits = (
  config: Pick<Config, 'ATTACHMENT_MAX_BYTES' | 'ATTACHMENT_MAX_PER_MESSAGE'>,
) => ({
  maxBytes: config.ATTACHMENT_MAX_BYTES,
  maxFiles: config.ATTACHMENT_MAX_PER_MESSAGE,
  sizeText: formatBytes(config.ATTACHMENT_MAX_BYTES),
});
