import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import '../../platform/mail/table.js';

const LIST = ['id', 'channel', 'recipient', 'subject', 'created_at'] as const;

/** Newest first, keyset-paginated on (created_at, id): stable while new mail arrives. */
export function listOutbox(
  db: Kysely<DB>,
  options: { limit: number; before?: { createdAt: Date; id: string } },
) {
  let query = db
    .selectFrom('outbox_messages')
    .select(LIST)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit + 1);
  const before = options.before;
  if (before) {
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', before.createdAt),
        eb.and([eb('created_at', '=', before.createdAt), eb('id', '<', before.id)]),
      ]),
    );
  }
  return query.execute();
}

export const getOutboxMessage = (db: Kysely<DB>, id: string) =>
  db.selectFrom('outbox_messages').selectAll().where('id', '=', id).executeTakeFirst();
