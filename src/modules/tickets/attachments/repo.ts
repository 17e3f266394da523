import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { DB } from '../../../platform/db/schema.js';
import type { TicketAttachmentsTable } from './table.js';
import './table.js';

type Db = Kysely<DB> | Transaction<DB>;
export type AttachmentRow = Selectable<TicketAttachmentsTable>;

const COLUMNS = [
  'id',
  'ticket_id',
  'message_id',
  'uploader_id',
  'uploader_client_id',
  'filename',
  'content_type',
  'size_bytes',
  'sha256',
  'storage_key',
  'created_at',
] as const;

export const insertAttachments = (trx: Transaction<DB>, rows: Insertable<TicketAttachmentsTable>[]) =>
  trx.insertInto('ticket_attachments').values(rows).returning(COLUMNS).execute();

/** One file with what deciding who may see it needs: its message's visibility, its ticket's requester. */
export const findAttachmentInContext = (db: Db, id: string) =>
  db
    .selectFrom('ticket_attachments as a')
    .leftJoin('ticket_messages as m', 'm.id', 'a.message_id')
    .leftJoin('tickets as t', 't.id', 'a.ticket_id')
    .select(COLUMNS.map((c) => `a.${c}` as const))
    .select(['m.visibility', 't.requester_id'])
    .where('a.id', '=', id)
    .executeTakeFirst();

/** The uploads named, locked so two messages cannot claim one upload at once. */
export const lockAttachments = (trx: Transaction<DB>, ids: readonly string[]) =>
  trx.selectFrom('ticket_attachments').select(COLUMNS).where('id', 'in', ids).forUpdate().execute();

export async function claimAttachments(
  trx: Transaction<DB>,
  ids: readonly string[],
  ticketId: string,
  messageId: string,
): Promise<void> {
  await trx
    .updateTable('ticket_attachments')
    .set({ ticket_id: ticketId, message_id: messageId })
    .where('id', 'in', ids)
    .where('message_id', 'is', null)
    .execute();
}

/** The files of these messages, in upload order. */
export function attachmentsOfMessages(db: Db, messageIds: readonly string[]): Promise<AttachmentRow[]> {
  if (messageIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('ticket_attachments')
    .select(COLUMNS)
    .where('message_id', 'in', messageIds)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** Those of these uploads no message has claimed yet, in upload order. */
export function unclaimedUploads(db: Db, ids: readonly string[]): Promise<AttachmentRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('ticket_attachments')
    .select(COLUMNS)
    .where('id', 'in', ids)
    .where('message_id', 'is', null)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** Uploads nobody attached to a message since `before`, oldest first. */
export const staleUploads = (db: Db, before: Date, limit: number) =>
  db
    .selectFrom('ticket_attachments')
    .select(['id', 'storage_key'])
    .where('message_id', 'is', null)
    .where('created_at', '<', before)
    .orderBy('created_at')
    .limit(limit)
    .execute();

/** Deletes these uploads unless a message claimed them meanwhile; returns the storage keys of those deleted. */
export async function deleteUnclaimed(trx: Transaction<DB>, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await trx
    .deleteFrom('ticket_attachments')
    .where('id', 'in', ids)
    .where('message_id', 'is', null)
    .returning('storage_key')
    .execute();
  return rows.map((r) => r.storage_key);
}

/** Which of these storage keys have a row (the rest are files whose row never committed). */
export async function knownKeys(db: Db, keys: readonly string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await db
    .selectFrom('ticket_attachments')
    .select('storage_key')
    .where('storage_key', 'in', keys)
    .execute();
  return new Set(rows.map((r) => r.storage_key));
}
