import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/platform/db/connection.js';
import { createUser, signInAs } from '../support/actors.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { asApp, ownerDatabase } from '../support/app-role.js';

let t: TestApp;
let owner: Database;
beforeAll(async () => {
  t = await buildTestApp({
    env: { MFA_REQUIRED_ROLES: 'none' },
    // A careless route: it forgets to filter by the caller. The database wall must still hold.
    plugins: [
      async (app) => {
        app.get('/api/v1/test/all-users', { config: { access: 'signed-in' } }, async () => {
          const { rows } = await sql<{ id: string }>`select id from users`.execute(app.platform.database.db);
          return rows.map((r) => r.id);
        });
      },
    ],
  });
  owner = ownerDatabase(t);
});
afterAll(async () => {
  await owner?.close();
  await t?.close();
});

describe('row-level security', () => {
  it('the app works as a role that owns no table and is not a superuser', async () => {
    const { rows } = await sql<{ role: string; superuser: boolean; owner: string }>`
      select current_user as role, (select rolsuper from pg_roles where rolname = current_user) as superuser,
        (select tableowner from pg_tables where tablename = 'users') as owner`.execute(
      t.platform.database.db,
    );
    expect(rows[0]).toMatchObject({ role: 'switchboard_app', superuser: false });
    expect(rows[0]!.owner).not.toBe('switchboard_app');
  });

  it('raw SQL as the app role with A’s user id returns none of B’s rows, and cannot write them', async () => {
    const [a, b] = [await createUser(t, ['customer']), await createUser(t, ['customer'])];
    await t.platform.database.db
      .insertInto('mfa_factors')
      .values([
        { user_id: a.id, kind: 'totp', label: 'A app', confirmed_at: new Date() },
        { user_id: b.id, kind: 'totp', label: 'B app', confirmed_at: new Date() },
      ])
      .execute();
    const seen = await asApp(owner, a.id, [], async (trx) => ({
      users: (await sql<{ id: string }>`select id from users`.execute(trx)).rows.map((r) => r.id),
      factorsOfB: (await sql`select * from mfa_factors where user_id = ${b.id}`.execute(trx)).rows,
      factors: (await sql<{ label: string }>`select label from mfa_factors`.execute(trx)).rows.map(
        (r) => r.label,
      ),
      updatedB: Number(
        (await sql`update users set company = 'pwned' where id = ${b.id}`.execute(trx)).numAffectedRows,
      ),
      deletedB: Number(
        (await sql`delete from mfa_factors where user_id = ${b.id}`.execute(trx)).numAffectedRows,
      ),
    }));
    expect(seen).toEqual({ users: [a.id], factorsOfB: [], factors: ['A app'], updatedB: 0, deletedB: 0 });
    await expect(
      asApp(owner, a.id, [], (trx) =>
        sql`insert into mfa_factors (user_id, kind, label) values (${b.id}, 'totp', 'planted')`.execute(trx),
      ),
    ).rejects.toThrow(/row-level security/);

    // Staff permissions open exactly what they name.
    const staff = await asApp(owner, a.id, ['users:read'], async (trx) => ({
      users: Number((await sql<{ n: string }>`select count(*) as n from users`.execute(trx)).rows[0]!.n),
      factorsOfB: (await sql`select * from mfa_factors where user_id = ${b.id}`.execute(trx)).rows.length,
    }));
    expect(staff.users).toBeGreaterThanOrEqual(2);
    expect(staff.factorsOfB).toBe(0);
  });

  it('a signed-in request sees only its own row even through a query that forgets to filter', async () => {
    const [a] = [await createUser(t, ['customer']), await createUser(t, ['customer'])];
    const client = await signInAs(t.app, a.email);
    expect((await client.get('/api/v1/test/all-users')).json()).toEqual([a.id]);
  });
});
