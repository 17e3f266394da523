import { sql, type Transaction } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { findUserById, insertUser } from '../../identity/users/repo.js';
import { runAsDbActor, runAsOwnRowsReader, runAsSystem, runUnprotected } from './actor-context.js';
import { createDatabase, type Database, defaultPoolSize, poolConfig } from './connection.js';
import type { DB } from './schema.js';
import { withSystemRightsIn } from './system-rights.js';

// One connection, so every query below lands on the one the previous query stamped.
const settings = {
  DATABASE_POOL_MAX: 1,
  DATABASE_STATEMENT_TIMEOUT_MS: 0,
  DATABASE_SSL_MODE: 'disable' as const,
};
let testDb: TestDatabase;
let app: Database;
let alice: string;
let bob: string;
beforeAll(async () => {
  testDb = await createTestDatabase();
  app = createDatabase(testDb.url, settings, { asApp: true });
  const add = async (email: string) =>
    (await insertUser(app.system, { email, display_name: email, roles: ['customer'], status: 'active' }))!.id;
  alice = await add('alice@example.test');
  bob = await add('bob@example.test');
});
afterAll(async () => {
  await app?.close();
  await testDb?.drop();
});

const asCustomer = <T>(userId: string, work: () => Promise<T>) =>
  runAsDbActor({ context: 'user', userId, permissions: [] }, work);
const stampedUser = async () =>
  (await sql<{ id: string }>`select current_setting('app.user_id') as id`.execute(app.db)).rows[0]!.id;

describe('the app pool stamps each checkout for row-level security', () => {
  it('keeps a customer stamp for reads of their own row, and restamps for anyone else', async () => {
    await asCustomer(alice, async () => expect(await findUserById(app.db, bob)).toBeUndefined());

    // Alice's own row on Alice's connection: no new stamp (the setting is still hers), same row.
    const own = await runAsOwnRowsReader(alice, async () => [
      await findUserById(app.db, alice),
      await stampedUser(),
    ]);
    expect(own).toEqual([expect.objectContaining({ id: alice }), alice]);

    // Bob's row on Alice's connection would be hidden: the pool stamps it for the system first.
    const other = await runAsOwnRowsReader(bob, async () => [
      await findUserById(app.db, bob),
      await stampedUser(),
    ]);
    expect(other).toEqual([expect.objectContaining({ id: bob }), '']);

    // A table without row-level security is read on whatever stamp the connection has.
    await asCustomer(bob, () => stampedUser());
    expect(await runUnprotected(() => stampedUser())).toBe(bob);
    // And work that names no actor is stamped as nobody: no trace of Bob.
    expect(await stampedUser()).toBe('');
    expect(await findUserById(app.db, bob)).toBeUndefined();
  });

  it('prepares a statement once it repeats, and it keeps answering for new values', async () => {
    const emailOf = (id: string) =>
      app.system
        .selectFrom('users')
        .select('email')
        .where('id', '=', id)
        .where('status', '=', 'active')
        .executeTakeFirst();
    expect(await emailOf(alice)).toEqual({ email: 'alice@example.test' });
    expect(await emailOf(bob)).toEqual({ email: 'bob@example.test' });
    expect(await emailOf(alice)).toEqual({ email: 'alice@example.test' });
    const prepared = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(
      app.system,
    );
    expect(prepared.rows.map((r) => r.statement)).toContainEqual(expect.stringContaining('"status" = $2'));
  });

  it('runs without JIT compilation, which cost the searches more than it saved', async () => {
    const { rows } = await sql<{ jit: string }>`select current_setting('jit') as jit`.execute(app.db);
    expect(rows[0]!.jit).toBe('off');
  });
});

describe('a stamp never outlives its checkout', () => {
  const userIds = async (db = app.db) =>
    (await sql<{ id: string }>`select id from users order by email`.execute(db)).rows.map((r) => r.id);
  const context = async () =>
    (await sql<{ c: string }>`select current_setting('app.context') as c`.execute(app.db)).rows[0]!.c;

  it('work that names no actor sees no row, even on the connection a user or the system just used', async () => {
    expect(await asCustomer(alice, () => userIds())).toEqual([alice]);
    expect(await userIds()).toEqual([]);
    expect(await context()).toBe('nobody');
    expect(await runAsSystem(() => userIds())).toEqual([alice, bob]);
    expect(await userIds()).toEqual([]);
    expect(await userIds(app.system)).toEqual([alice, bob]);
    expect(await userIds()).toEqual([]);
    // A system-stamped transaction (the same one connection) leaves nothing behind when it ends.
    await app.system.transaction().execute(async (trx) => expect(await userIds(trx)).toEqual([alice, bob]));
    expect(await userIds()).toEqual([]);
  });

  it('a context set locally in a transaction ends with it, committed or rolled back', async () => {
    const inside = await asCustomer(alice, () =>
      app.db.transaction().execute(async (trx) => {
        await sql`select set_config('app.context', 'system', true)`.execute(trx);
        return userIds(trx);
      }),
    );
    expect(inside).toEqual([alice, bob]);
    expect(await asCustomer(alice, () => userIds())).toEqual([alice]);
    await expect(
      asCustomer(alice, () =>
        app.db.transaction().execute(async (trx) => {
          await sql`select set_config('app.user_id', ${bob}, true)`.execute(trx);
          throw new Error('rolled back');
        }),
      ),
    ).rejects.toThrow('rolled back');
    expect(await asCustomer(alice, () => userIds())).toEqual([alice]);
    expect(await userIds()).toEqual([]);
  });

  it('concurrent actors on a shared pool each see their own rows only', async () => {
    const shared = createDatabase(testDb.url, { ...settings, DATABASE_POOL_MAX: 2 }, { asApp: true });
    try {
      const slowly = (db: typeof shared.db) =>
        db.transaction().execute(async (trx) => {
          await sql`select pg_sleep(0.05)`.execute(trx);
          return userIds(trx);
        });
      for (let round = 0; round < 3; round++) {
        const [a, b, nobody, system] = await Promise.all([
          asCustomer(alice, () => slowly(shared.db)),
          asCustomer(bob, () => slowly(shared.db)),
          slowly(shared.db),
          slowly(shared.system),
        ]);
        expect({ a, b, nobody, system }).toEqual({ a: [alice], b: [bob], nobody: [], system: [alice, bob] });
      }
    } finally {
      await shared.close();
    }
  });
});

describe('pool size', () => {
  it('is twice the CPU count, between 4 and 10, unless DATABASE_POOL_MAX says otherwise', () => {
    expect([1, 2, 3, 4, 5, 64].map((cpus) => defaultPoolSize(cpus))).toEqual([4, 4, 6, 8, 10, 10]);
    const { DATABASE_POOL_MAX: _, ...unset } = settings;
    expect(poolConfig('postgres://localhost/x', unset).max).toBe(defaultPoolSize());
    expect(poolConfig('postgres://localhost/x', { ...settings, DATABASE_POOL_MAX: 25 }).max).toBe(25);
  });
});

describe('withSystemRightsIn', () => {
  it('lends the system rights inside a user transaction only for its work, and not after an error', async () => {
    const context = async (trx: Transaction<DB>) =>
      (await sql<{ c: string }>`select app_context() as c`.execute(trx)).rows[0]!.c;
    await asCustomer(alice, () =>
      app.db.transaction().execute(async (trx) => {
        expect(await context(trx)).toBe('user');
        expect(await findUserById(trx, bob)).toBeUndefined();
        const seen = await withSystemRightsIn(trx, async () => [
          await context(trx),
          await findUserById(trx, bob),
        ]);
        expect(seen[0]).toBe('system');
        expect(seen[1]).toMatchObject({ id: bob });
        // Given back: Bob's row is out of reach again in the same transaction.
        expect(await context(trx)).toBe('user');
        expect(await findUserById(trx, bob)).toBeUndefined();
        await expect(
          withSystemRightsIn(trx, async () => {
            throw new Error('refused');
          }),
        ).rejects.toThrow('refused');
        expect(await context(trx)).toBe('user');
        expect(await findUserById(trx, bob)).toBeUndefined();
      }),
    );
  });
});
