import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DB } from '../../../platform/db/schema.js';
import type { SmsNumbersTable } from '../table.js';
import '../table.js';

type Db = Kysely<DB> | Transaction<DB>;
export type NumberRow = Selectable<SmsNumbersTable>;
export type NumberListRow = NumberRow & { owner_name: string | null; owner_email: string | null };

/** Numbers held (not released), team lines first, with their owners' names. */
export const listNumbers = (db: Db, { released = false } = {}): Promise<NumberListRow[]> =>
  db
    .selectFrom('sms_numbers')
    .leftJoin('users', 'users.id', 'sms_numbers.owner_id')
    .selectAll('sms_numbers')
    .select(['users.display_name as owner_name', 'users.email as owner_email'])
    .$if(!released, (q) => q.where('sms_numbers.released_at', 'is', null))
    .orderBy('sms_numbers.released_at', 'desc')
    .orderBy('sms_numbers.owner_id', 'asc')
    .orderBy('sms_numbers.e164')
    .execute();

export const findNumber = (db: Db, id: string): Promise<NumberRow | undefined> =>
  db.selectFrom('sms_numbers').selectAll().where('id', '=', id).executeTakeFirst();

/** The held number with this E.164 (a webhook's `To`). */
export const heldNumber = (db: Db, e164: string): Promise<NumberRow | undefined> =>
  db
    .selectFrom('sms_numbers')
    .selectAll()
    .where('e164', '=', e164)
    .where('released_at', 'is', null)
    .executeTakeFirst();

export type NewNumber = Pick<
  NumberRow,
  | 'e164'
  | 'provider_sid'
  | 'country'
  | 'sms'
  | 'mms'
  | 'voice'
  | 'owner_id'
  | 'category_id'
  | 'label'
  | 'sms_url'
  | 'status_url'
  | 'monthly_price'
  | 'price_unit'
>;

export const insertNumber = (trx: Transaction<DB>, values: NewNumber): Promise<NumberRow> =>
  trx
    .insertInto('sms_numbers')
    .values({ ...values, webhooks_checked_at: new Date() })
    .returningAll()
    .executeTakeFirstOrThrow();

export const updateNumber = (
  db: Db,
  id: string,
  values: Partial<
    Pick<
      NumberRow,
      'owner_id' | 'category_id' | 'label' | 'sms_url' | 'status_url' | 'released_at' | 'webhooks_checked_at'
    >
  >,
): Promise<NumberRow | undefined> =>
  db
    .updateTable('sms_numbers')
    .set(values)
    .where('id', '=', id)
    .where('released_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
