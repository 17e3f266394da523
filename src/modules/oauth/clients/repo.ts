import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DB } from '../../../platform/db/schema.js';
import type { OauthClientsTable } from './table.js';
import './table.js';

export type ClientRow = Selectable<OauthClientsTable>;
type Db = Kysely<DB> | Transaction<DB>;

export const findClient = (db: Db, clientId: string): Promise<ClientRow | undefined> =>
  db.selectFrom('oauth_clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();

/** One page of clients by name (an instance has tens of them, not thousands: offset paging is fine). */
export async function listClients(db: Db, page: { limit: number; offset: number }) {
  const [items, total] = await Promise.all([
    db
      .selectFrom('oauth_clients')
      .selectAll()
      .orderBy('name')
      .orderBy('client_id')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    db
      .selectFrom('oauth_clients')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}
