import type { FastifyRequest } from 'fastify';
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
 * (as hidden fields), so nobody has to pick them twice. `problem` is a broken limit, as the file
 * input's error; nothing new is stored then.
 */
export async function uploadsFromForm(deps: TicketDeps, request: FastifyRequest, actor: TicketActor) {
  const { files, problem } = receivedUploads(request);
  const kept = await keptUploads(request, actor);
  const { platform } = request.server;
  const stored =
    files.length === 0 || problem
      ? []
      : await inTicketTransaction(deps, request, (ctx) =>
          storeUploads(attachmentDeps(platform), ctx, actor, files, `/body/${FILES_FIELD}`),
        );
  const all = [...kept, ...stored.map(view)];
  return {
    problem: problem ? onFileField(problem) : null,
    kept: all,
    claim: withAttachments(
      platform.config,
      all.map((a) => a.id),
    ),
  };
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
