import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../../platform/db/schema.js';
import '../table.js';
import './table.js';

type Db = Kysely<DB> | Transaction<DB>;

/** The support addresses added on /admin/mail (those from the settings are not stored). */
export const listAddedAddresses = (db: Db) =>
  db
    .selectFrom('mail_addresses')
    .select(['address', 'category_id', 'created_at'])
    .orderBy('address')
    .execute();

export const insertAddress = (trx: Transaction<DB>, address: string, categoryId: string | null) =>
  trx
    .insertInto('mail_addresses')
    .values({ address, category_id: categoryId })
    .onConflict((oc) => oc.column('address').doNothing())
    .returning(['address', 'category_id', 'created_at'])
    .executeTakeFirst();

export const updateAddress = (trx: Transaction<DB>, address: string, categoryId: string | null) =>
  trx
    .updateTable('mail_addresses')
    .set({ category_id: categoryId })
    .where('address', '=', address)
    .returning(['address', 'category_id', 'created_at'])
    .executeTakeFirst();

export const deleteAddress = async (trx: Transaction<DB>, address: string): Promise<boolean> =>
  (await trx.deleteFrom('mail_addresses').where('address', '=', address).executeTakeFirst()).numDeletedRows >
  0n;

export const findForwardSecret = (db: Db, lock = false) => {
  const q = db.selectFrom('mail_settings').selectAll().where('name', '=', 'forward_secret');
  return (lock ? q.forUpdate() : q).executeTakeFirst();
};

export const saveForwardSecret = (
  trx: Transaction<DB>,
  values: {
    sealed: string;
    previous_sealed: string | null;
    previous_until: Date | null;
    updated_by: string | null;
  },
) =>
  trx
    .insertInto('mail_settings')
    .values({ name: 'forward_secret', ...values, updated_at: new Date() })
    .onConflict((oc) => oc.column('name').doUpdateSet({ ...values, updated_at: new Date() }))
    .execute();

export const deleteForwardSecret = async (trx: Transaction<DB>): Promise<boolean> =>
  (await trx.deleteFrom('mail_settings').where('name', '=', 'forward_secret').executeTakeFirst())
    .numDeletedRows > 0n;

export const insertCheck = (trx: Transaction<DB>, address: string, sentBy: string | null) =>
  trx
    .insertInto('mail_checks')
    .values({ address, sent_by: sentBy })
    .returning(['id', 'sent_at'])
    .executeTakeFirstOrThrow();

export const recentChecks = (db: Db, limit: number) =>
  db
    .selectFrom('mail_checks')
    .select(['id', 'address', 'sent_at', 'received_at', 'source'])
    .orderBy('sent_at', 'desc')
    .limit(limit)
    .execute();

export const findCheck = (db: Db, id: string) =>
  db
    .selectFrom('mail_checks')
    .select(['id', 'address', 'sent_at', 'received_at', 'source'])
    .where('id', '=', id)
    .executeTakeFirst();
