import { type Insertable, type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { DB } from '../../../platform/db/schema.js';
import type { TicketMessagesTable } from '../table.js';
import '../table.js';

export type MessageRow = Omit<Selectable<TicketMessagesTable>, 'search' | 'language'> & {
  author_name: string | null;
};
type Db = Kysely<DB> | Transaction<DB>;

/** A ticket's messages, oldest first; internal notes only when asked for. */
export function listMessages(db: Db, ticketId: string, withInternal: boolean): Promise<MessageRow[]> {
  let q = db
    .selectFrom('ticket_messages')
    .select([
      'id',
      'ticket_id',
      'author_id',
      'body',
      'body_html',
      'visibility',
      'reply_to_id',
      'channel',
      'delivery_status',
      'created_at',
      sql<string | null>`user_display_name(author_id)`.as('author_name'),
    ])
    .where('ticket_id', '=', ticketId)
    .orderBy('created_at')
    .orderBy('id');
  if (!withInternal) q = q.where('visibility', '=', 'public');
  return q.execute();
}

/**
 * Adds a message. Without a `language` it is indexed in its ticket's language, whatever the
 * instance's setting is today.
 */
export const insertMessage = (
  trx: Transaction<DB>,
  values: Omit<Insertable<TicketMessagesTable>, 'language'> & { language?: string },
) =>
  trx
    .insertInto('ticket_messages')
    .values({
      ...values,
      language: values.language ?? sql<string>`(select language from tickets where id = ${values.ticket_id})`,
    })
    .returning(['id', 'created_at'])
    .executeTakeFirstOrThrow();

/** Who may read a message of this ticket (undefined when the ticket has no such message). */
export const findMessageVisibility = (db: Db, ticketId: string, messageId: string) =>
  db
    .selectFrom('ticket_messages')
    .select('visibility')
    .where('id', '=', messageId)
    .where('ticket_id', '=', ticketId)
    .executeTakeFirst();
