import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../../platform/db/schema.js';
import '../table.js';

type Db = Kysely<DB> | Transaction<DB>;

const CATEGORY_COLUMNS = ['id', 'name', 'description', 'archived_at', 'created_at'] as const;

/** Categories people choose from when opening a ticket (archived ones only for the team's filters). */
export const listCategories = (db: Db, withArchived: boolean) => {
  let q = db.selectFrom('ticket_categories').select(CATEGORY_COLUMNS).orderBy('name');
  if (!withArchived) q = q.where('archived_at', 'is', null);
  return q.execute();
};

export const findCategory = (db: Db, id: string) =>
  db.selectFrom('ticket_categories').select(CATEGORY_COLUMNS).where('id', '=', id).executeTakeFirst();

export const insertCategory = (trx: Transaction<DB>, values: { name: string; description: string }) =>
  trx.insertInto('ticket_categories').values(values).returning(CATEGORY_COLUMNS).executeTakeFirstOrThrow();

export type CategoryChangeSet = { name?: string; description?: string; archived_at?: Date | null };

export const updateCategory = (trx: Transaction<DB>, id: string, set: CategoryChangeSet) =>
  trx
    .updateTable('ticket_categories')
    .set(set)
    .where('id', '=', id)
    .returning(CATEGORY_COLUMNS)
    .executeTakeFirst();
