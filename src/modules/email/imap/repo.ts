import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { DB } from '../../../platform/db/schema.js';
import type { MailMailboxesTable } from './table.js';
import './table.js';

type Db = Kysely<DB> | Transaction<DB>;
export type MailboxRow = Selectable<MailMailboxesTable>;

export const listMailboxes = (db: Db): Promise<MailboxRow[]> =>
  db.selectFrom('mail_mailboxes').selectAll().orderBy('name').execute();

export const findMailbox = (db: Db, id: string): Promise<MailboxRow | undefined> =>
  db.selectFrom('mail_mailboxes').selectAll().where('id', '=', id).executeTakeFirst();

/** The mailboxes to poll now, with what tells a changed one apart. */
export const enabledMailboxes = (db: Db): Promise<MailboxRow[]> =>
  db.selectFrom('mail_mailboxes').selectAll().where('enabled', '=', true).execute();

export type MailboxValues = Pick<
  MailboxRow,
  'name' | 'host' | 'port' | 'tls' | 'username' | 'folder' | 'done_folder' | 'trusted_authserv_id' | 'enabled'
> & { password_sealed: string };

export const insertMailbox = (trx: Transaction<DB>, values: MailboxValues): Promise<MailboxRow> =>
  trx.insertInto('mail_mailboxes').values(values).returningAll().executeTakeFirstOrThrow();

export const updateMailbox = (
  trx: Transaction<DB>,
  id: string,
  values: Partial<MailboxValues>,
): Promise<MailboxRow | undefined> =>
  trx
    .updateTable('mail_mailboxes')
    .set({ ...values, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();

export const deleteMailbox = (trx: Transaction<DB>, id: string): Promise<MailboxRow | undefined> =>
  trx.deleteFrom('mail_mailboxes').where('id', '=', id).returningAll().executeTakeFirst();

/** How a poll went; counts add up. Only the poll's own columns: no change notice is sent. */
export async function recordPoll(
  db: Db,
  id: string,
  outcome: { error: string | null; taken?: number; duplicate?: number },
): Promise<void> {
  await db
    .updateTable('mail_mailboxes')
    .set({
      last_poll_at: new Date(),
      last_result: outcome.error === null ? 'ok' : 'failed',
      last_error: outcome.error,
      messages_taken: sql<number>`messages_taken + ${outcome.taken ?? 0}`,
      messages_duplicate: sql<number>`messages_duplicate + ${outcome.duplicate ?? 0}`,
    })
    .where('id', '=', id)
    .execute();
}
