import {
  type Insertable,
  type Kysely,
  type Selectable,
  sql,
  type Transaction,
  type Updateable,
} from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import { UserCache } from './cache.js';
import type { UsersTable } from './table.js';
import './table.js';

export type UserRow = Selectable<UsersTable>;
/**
 * A user as requests, caches and other features see them: everything but the password hash,
 * which only the sign-in and password use cases read (through `findUserById`).
 */
export type UserSummary = Omit<UserRow, 'password_hash'>;
type Db = Kysely<DB> | Transaction<DB>;

const COLUMNS = [
  'id',
  'email',
  'display_name',
  'company',
  'phone',
  'phone_verified_at',
  'locale',
  'time_zone',
  'status',
  'roles',
  'email_verified_at',
  'password_hash',
  'password_changed_at',
  'created_at',
  'updated_at',
] as const;

const SUMMARY_COLUMNS = COLUMNS.filter(
  (c): c is Exclude<(typeof COLUMNS)[number], 'password_hash'> => c !== 'password_hash',
);

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

export function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').select(COLUMNS).where('email', '=', normalizeEmail(email)).executeTakeFirst();
}

export function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').select(COLUMNS).where('id', '=', id).executeTakeFirst();
}

export function findUserSummaryById(db: Db, id: string): Promise<UserSummary | undefined> {
  return db.selectFrom('users').select(SUMMARY_COLUMNS).where('id', '=', id).executeTakeFirst();
}

/** Inserts unless the email is taken; returns undefined when it is (no exception, no enumeration leak). */
export async function insertUser(db: Db, values: Insertable<UsersTable>): Promise<UserRow | undefined> {
  return db
    .insertInto('users')
    .values({ ...values, email: normalizeEmail(values.email) })
    .onConflict((c) => c.column('email').doNothing())
    .returning(COLUMNS)
    .executeTakeFirst();
}

export async function updateUser(
  db: Db,
  id: string,
  changes: Updateable<UsersTable>,
): Promise<UserRow | undefined> {
  // This process's copies go now (a read racing the write is not kept either); the commit's
  // notice then drops, on every node, whatever was read before the commit.
  UserCache.dropEverywhereHere(id);
  return db
    .updateTable('users')
    .set({ ...changes, updated_at: new Date() })
    .where('id', '=', id)
    .returning(COLUMNS)
    .executeTakeFirst();
}

export async function countUsersWithRole(db: Db, role: string): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(({ eb, val }) => eb(val(role), '=', eb.fn.any('roles')))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Active users holding at least one of `roles` (to keep the last administrator from being locked out). */
export async function countActiveUsersWithAnyRole(db: Db, roles: readonly string[]): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('status', '=', 'active')
    .where(sql<boolean>`roles && ${[...roles]}::text[]`)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface UserSearch {
  /** Part of the email or name, case-insensitive. */
  q?: string;
  role?: string;
  status?: UserRow['status'];
  /** Keyset cursor: the email of the last user on the previous page (emails are unique). */
  after?: string;
  limit: number;
}

/** Users by email, a page at a time; one extra row tells whether there is another page. */
export function searchUsers(db: Db, s: UserSearch): Promise<UserRow[]> {
  let q = db
    .selectFrom('users')
    .select(COLUMNS)
    .orderBy('email')
    .limit(s.limit + 1);
  if (s.q) {
    const like = `%${s.q.toLowerCase().replace(/[\\%_]/g, '\\$&')}%`;
    q = q.where((eb) =>
      eb.or([eb('email', 'like', like), eb(eb.fn('lower', ['display_name']), 'like', like)]),
    );
  }
  if (s.role) q = q.where(({ eb, val }) => eb(val(s.role), '=', eb.fn.any('roles')));
  if (s.status) q = q.where('status', '=', s.status);
  if (s.after) q = q.where('email', '>', s.after);
  return q.execute();
}
