import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../../platform/db/schema.js';
import type { SmsOptOutsTable } from '../table.js';
import '../table.js';

type Db = Kysely<DB> | Transaction<DB>;

/** Whether a line may text this phone: the phone's latest ledger row on the line says. */
export async function isOptedOut(db: Db, numberId: string, phone: string): Promise<boolean> {
  const latest = await db
    .selectFrom('sms_opt_outs')
    .select('opted_out')
    .where('number_id', '=', numberId)
    .where('phone', '=', phone)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return latest?.opted_out ?? false;
}

/** Appends one change to the ledger (it is never updated or deleted). */
export async function recordConsent(
  trx: Transaction<DB>,
  entry: Pick<SmsOptOutsTable, 'number_id' | 'phone' | 'opted_out' | 'source'> & {
    keyword?: string | null;
    message_id?: string | null;
  },
): Promise<void> {
  await trx
    .insertInto('sms_opt_outs')
    .values({ ...entry, keyword: entry.keyword ?? null, message_id: entry.message_id ?? null })
    .execute();
}

/** A line's ledger for one phone, oldest first. */
export const consentHistory = (db: Db, numberId: string, phone: string) =>
  db
    .selectFrom('sms_opt_outs')
    .select(['opted_out', 'source', 'keyword', 'created_at'])
    .where('number_id', '=', numberId)
    .where('phone', '=', phone)
    .orderBy('id')
    .execute();
