import type { Kysely } from 'kysely';
import type { DB } from '../../../platform/db/schema.js';
import type { InboundState } from '../table.js';
import '../table.js';

export const INBOUND_SUMMARY = [
  'id',
  'source',
  'message_id',
  'sender',
  'subject',
  'state',
  'outcome',
  'reason',
  'size',
  'ticket_id',
  'received_at',
  'processed_at',
] as const;

/** Mail taken in, newest first, keyset-paged (`before` is the last id of the previous page). */
export async function listInbound(
  db: Kysely<DB>,
  options: { state?: InboundState | undefined; before?: string | undefined; limit: number },
) {
  let query = db
    .selectFrom('mail_inbound')
    .select(INBOUND_SUMMARY)
    .orderBy('received_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit + 1);
  if (options.state) query = query.where('state', '=', options.state);
  if (options.before) {
    const before = options.before;
    query = query.where((eb) =>
      eb(
        eb.refTuple('received_at', 'id'),
        '<',
        eb
          .selectFrom('mail_inbound as m')
          .select(['m.received_at', 'm.id'])
          .where('m.id', '=', before)
          .$asTuple('received_at', 'id'),
      ),
    );
  }
  const rows = await query.execute();
  return {
    items: rows.slice(0, options.limit),
    next: rows.length > options.limit ? rows[options.limit - 1]!.id : null,
  };
}

/** One mail with its original bytes (headers and all). */
export const findInbound = (db: Kysely<DB>, id: string) =>
  db
    .selectFrom('mail_inbound')
    .select([...INBOUND_SUMMARY, 'raw', 'envelope_from', 'envelope_to', 'remote_ip', 'authentication'])
    .where('id', '=', id)
    .executeTakeFirst();

/** How many mails wait in quarantine (the admin overview's count). */
export async function quarantinedCount(db: Kysely<DB>): Promise<number> {
  const row = await db
    .selectFrom('mail_inbound')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('state', '=', 'quarantined')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
