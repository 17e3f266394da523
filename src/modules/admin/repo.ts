import { type Kysely, type Selectable, sql } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import type { OutboxMessagesTable } from '../../platform/mail/table.js';
import '../../platform/mail/table.js';

export type OutboxChannel = OutboxMessagesTable['channel'];
export type OutboxMessage = Selectable<OutboxMessagesTable>;
export type OutboxSummary = Pick<OutboxMessage, (typeof SUMMARY)[number]>;

const SUMMARY = ['id', 'channel', 'recipient', 'subject', 'created_at'] as const;

/**
 * Newest first, keyset-paginated on (created_at, id), so pages stay stable while new messages
 * arrive. `before` is the id of the last message already shown: the comparison takes that row's
 * own timestamp inside PostgreSQL, which keeps its microseconds (a JavaScript Date would round
 * them away and skip messages stored within the same millisecond). Returns one row beyond
 * `limit` when there is a further page.
 */
export function listOutbox(
  db: Kysely<DB>,
  options: { channel?: OutboxChannel; limit: number; before?: string },
) {
  let query = db
    .selectFrom('outbox_messages')
    .select(SUMMARY)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit + 1);
  if (options.channel) query = query.where('channel', '=', options.channel);
  if (options.before) {
    query = query.where(
      sql<boolean>`(created_at, id) < (select m.created_at, m.id from outbox_messages m where m.id = ${options.before})`,
    );
  }
  return query.execute();
}

export function getOutboxMessage(db: Kysely<DB>, id: string): Promise<OutboxMessage | undefined> {
  return db
    .selectFrom('outbox_messages')
    .select([...SUMMARY, 'body_text', 'body_html', 'headers'])
    .where('id', '=', id)
    .executeTakeFirst();
}
