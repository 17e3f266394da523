import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Config } from '../../../config.js';
import type { AuthContext } from '../../../identity/context.js';
import type { DB } from '../../../platform/db/schema.js';
import { newStorageKey } from '../../../platform/storage/index.js';
import type { FileStorage } from '../../../platform/storage/port.js';
import { formatBytes } from '../../../shared/bytes.js';
import { AppError, type FieldError } from '../../../shared/errors.js';
import type { TicketActor } from '../policy.js';
import { mayDownload, uploadedBy } from './policy.js';
import {
  type AttachmentRow,
  attachmentsOfMessages,
  claimAttachments,
  findAttachmentInContext,
  insertAttachments,
  lockAttachments,
} from './repo.js';
import { displayName, sniffContentType } from './sniff.js';

export interface AttachmentDeps {
  storage: FileStorage;
  maxBytes: number;
  maxPerMessage: number;
}

export const attachmentDeps = (platform: { storage: FileStorage; config: Config }): AttachmentDeps => ({
  storage: platform.storage,
  maxBytes: platform.config.ATTACHMENT_MAX_BYTES,
  maxPerMessage: platform.config.ATTACHMENT_MAX_PER_MESSAGE,
});

/** A file as a form or the upload API received it. */
export interface UploadedFile {
  filename: string;
  data: Buffer;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const refuse = (code: 'validation_failed' | 'payload_too_large', errors: FieldError[]) =>
  new AppError(code, errors[0]!.detail, { errors });

/** Checks a set of files against the limits before anything is written; throws the first problem. */
export function checkUploads(deps: AttachmentDeps, files: readonly UploadedFile[], pointer = '/body/file') {
  if (files.length === 0)
    throw refuse('validation_failed', [{ pointer, detail: 'Choose a file to upload.' }]);
  if (files.length > deps.maxPerMessage)
    throw refuse('validation_failed', [
      { pointer, detail: `Send at most ${deps.maxPerMessage} files at once.` },
    ]);
  // The pointer names the form field; the detail names the file.
  const tooLarge = files.find((f) => f.data.length > deps.maxBytes);
  if (tooLarge)
    throw refuse('payload_too_large', [
      { pointer, detail: `${displayName(tooLarge.filename)} is larger than ${formatBytes(deps.maxBytes)}.` },
    ]);
  const empty = files.find((f) => f.data.length === 0);
  if (empty)
    throw refuse('validation_failed', [{ pointer, detail: `${displayName(empty.filename)} is empty.` }]);
}

/**
 * Stores uploaded files as unclaimed attachments of `actor` and returns their rows; a message
 * claims them by id later. All files are checked first, so a refused request writes nothing; if
 * writing fails half-way, the files already written are removed again. Run it in a transaction
 * of its own (committed before the ticket or message is written): a file a rolled-back
 * transaction leaves behind is swept by the daily cleanup.
 */
export async function storeUploads(
  deps: AttachmentDeps,
  ctx: Pick<AuthContext, 'trx'>,
  actor: TicketActor,
  files: readonly UploadedFile[],
  pointer = '/body/file',
  /** Where the files belong at once (a channel's message); without it they wait to be claimed. */
  place: { ticketId: string; messageId: string } | null = null,
): Promise<AttachmentRow[]> {
  checkUploads(deps, files, pointer);
  const written: string[] = [];
  try {
    const rows = [];
    for (const file of files) {
      const key = newStorageKey();
      await deps.storage.put(key, file.data);
      written.push(key);
      rows.push({
        ticket_id: place?.ticketId ?? null,
        message_id: place?.messageId ?? null,
        uploader_id: actor.userId,
        uploader_client_id: actor.userId ? null : (actor.clientId ?? null),
        filename: displayName(file.filename),
        content_type: await sniffContentType(file.data),
        size_bytes: file.data.length,
        sha256: createHash('sha256').update(file.data).digest('hex'),
        storage_key: key,
      });
    }
    return await insertAttachments(ctx.trx, rows);
  } catch (error) {
    await Promise.allSettled(written.map((key) => deps.storage.delete(key)));
    throw error;
  }
}

/** Uploads a new message claims, and how many one message may carry (ATTACHMENT_MAX_PER_MESSAGE). */
export interface AttachmentClaim {
  ids: readonly string[];
  limit: number;
}

/**
 * The `attachments` input of openTicket/addMessage for these upload ids, to spread into it:
 * `openTicket(ctx, actor, { …, ...withAttachments(config, ids) })`. Nothing when there are none.
 */
export const withAttachments = (
  config: Pick<Config, 'ATTACHMENT_MAX_PER_MESSAGE'>,
  ids: readonly string[] | undefined,
): { attachments?: AttachmentClaim } =>
  ids && ids.length > 0 ? { attachments: { ids, limit: config.ATTACHMENT_MAX_PER_MESSAGE } } : {};

/**
 * Attaches the actor's own unclaimed uploads to a message just written, in its transaction.
 * Someone else's upload, one already attached, or an unknown id is refused with a pointer to it.
 */
export async function claimUploads(
  trx: Transaction<DB>,
  actor: TicketActor,
  claim: AttachmentClaim,
  target: { ticketId: string; messageId: string },
  pointer = '/body/attachmentIds',
): Promise<void> {
  const ids = [...new Set(claim.ids)];
  if (ids.length > claim.limit)
    throw refuse('validation_failed', [
      { pointer, detail: `Attach at most ${claim.limit} files to one message.` },
    ]);
  const wellFormed = ids.filter((id) => UUID.test(id));
  const rows = new Map((await lockAttachments(trx, wellFormed)).map((r) => [r.id, r]));
  const errors = ids.flatMap((id) => {
    const row = rows.get(id);
    if (row && row.message_id === null && uploadedBy(actor, row)) return [];
    return [
      {
        pointer: `${pointer}/${claim.ids.indexOf(id)}`,
        detail: 'There is no upload of yours with this id that is not attached yet.',
      },
    ];
  });
  if (errors.length > 0) throw refuse('validation_failed', errors);
  await claimAttachments(trx, ids, target.ticketId, target.messageId);
}

/** A file the actor may download; anything else does not exist for them. */
export async function findDownloadable(
  db: Kysely<DB> | Transaction<DB>,
  actor: TicketActor,
  id: string,
): Promise<AttachmentRow> {
  const file = await findAttachmentInContext(db, id);
  if (!file || !mayDownload(actor, file)) throw new AppError('not_found', 'There is no such attachment.');
  return file;
}

/** The files of each message, by message id (for threads shown by the API or the pages). */
export async function attachmentsByMessage(
  db: Kysely<DB> | Transaction<DB>,
  messageIds: readonly string[],
): Promise<Map<string, AttachmentRow[]>> {
  const byMessage = new Map<string, AttachmentRow[]>();
  for (const row of await attachmentsOfMessages(db, messageIds)) {
    const list = byMessage.get(row.message_id!) ?? [];
    list.push(row);
    byMessage.set(row.message_id!, list);
  }
  return byMessage;
}

/** Files a channel brought with a message: those the upload limits keep, and those left out. */
export interface ChannelFiles {
  keep: UploadedFile[];
  /** Display names of files not kept, with why: too large, empty, or past the per-message count. */
  left: { filename: string; why: 'too-large' | 'empty' | 'too-many' }[];
}

/**
 * Sorts the files a mail carried by the upload limits. A mail is not refused for one oversized
 * file the way a form is: what does not fit is left out (and named in the message), the rest kept.
 */
export function sortChannelFiles(deps: AttachmentDeps, files: readonly UploadedFile[]): ChannelFiles {
  const left: ChannelFiles['left'] = [];
  const fitting = files.filter((f) => {
    const why = f.data.length === 0 ? 'empty' : f.data.length > deps.maxBytes ? 'too-large' : null;
    if (why) left.push({ filename: displayName(f.filename), why });
    return why === null;
  });
  for (const f of fitting.slice(deps.maxPerMessage))
    left.push({ filename: displayName(f.filename), why: 'too-many' });
  return { keep: fitting.slice(0, deps.maxPerMessage), left };
}

/**
 * Stores files a channel brought as attachments of a message written in the same transaction,
 * with the uploads' type sniffing. A file written for a transaction that then rolls back is swept
 * by the daily cleanup.
 */
export async function storeChannelFiles(
  deps: AttachmentDeps,
  trx: Transaction<DB>,
  target: { ticketId: string; messageId: string; uploaderId: string },
  files: readonly UploadedFile[],
): Promise<AttachmentRow[]> {
  if (files.length === 0) return [];
  const actor = { userId: target.uploaderId, permissions: new Set<string>() };
  return storeUploads(deps, { trx }, actor, files, '/body/file', target);
}
