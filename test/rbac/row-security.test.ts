import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../src/platform/db/connection.js';
import { createSignedIn, createUser, signInAs } from '../support/actors.js';
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

  describe('the app logs in as the app role and cannot climb back to the owner', () => {
    const onOneConnection = async <T>(work: (run: (text: string) => Promise<unknown[]>) => Promise<T>) => {
      const client = await t.platform.database.pool.connect();
      try {
        return await work(async (text) => (await client.query(text)).rows);
      } finally {
        client.release(true);
      }
    };

    it('logs in as switchboard_app itself: no superuser, no role attributes, a member of no role', async () => {
      const { rows } = await sql<Record<string, unknown>>`
        select session_user as login, r.rolsuper, r.rolcreaterole, r.rolcreatedb, r.rolbypassrls, r.rolreplication,
          (select count(*) from pg_auth_members m where m.member = r.oid)::int as memberships
        from pg_roles r where r.rolname = session_user`.execute(t.platform.database.db);
      expect(rows[0]).toEqual({
        login: 'switchboard_app',
        rolsuper: false,
        rolcreaterole: false,
        rolcreatedb: false,
        rolbypassrls: false,
        rolreplication: false,
        memberships: 0,
      });
    });

    it('RESET ROLE, SET ROLE to the owner and SET SESSION AUTHORIZATION gain nothing', async () => {
      const tableOwner = (
        await sql<{
          owner: string;
        }>`select tableowner as owner from pg_tables where tablename = 'users'`.execute(owner.db)
      ).rows[0]!.owner;
      await onOneConnection(async (run) => {
        await run(`select set_config('app.context', '', false)`);
        await run('reset role');
        expect(await run('select current_user as u')).toEqual([{ u: 'switchboard_app' }]);
        expect(await run('select id from users')).toEqual([]);
        await run('set role none');
        expect(await run('select id from users')).toEqual([]);
        await expect(run(`set role ${tableOwner}`)).rejects.toThrow(/permission denied/);
        await expect(run('set role postgres')).rejects.toThrow(/permission denied|does not exist/);
        await expect(run(`set session authorization ${tableOwner}`)).rejects.toThrow(/permission denied/);
        await expect(run('set session authorization default')).resolves.toBeDefined();
        expect(await run('select current_user as u, session_user as s')).toEqual([
          { u: 'switchboard_app', s: 'switchboard_app' },
        ]);
        // Tables the app may not write stay closed, whatever it tries first.
        await expect(run(`delete from schema_migrations`)).rejects.toThrow(/permission denied/);
        await expect(run('alter table users disable row level security')).rejects.toThrow(/must be owner/);
        await expect(run('drop policy owner_or_staff on users')).rejects.toThrow(/must be owner/);
      });
    });
  });

  it('every table the app may read without row-level security is on this reviewed list, so a new one must choose', async () => {
    // Settings and catalogues every caller may see, server-side stores the app reaches by key (sessions,
    // OAuth, outbox, jobs, keys, idempotency) and the append-only audit trail. Anything else gets a policy.
    const open = (
      await sql<{ name: string }>`
        select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relrowsecurity
          and has_table_privilege('switchboard_app', c.oid, 'SELECT') order by 1`.execute(owner.db)
    ).rows.map((r) => r.name);
    expect(open).toEqual([
      'audit_anchor',
      'audit_checkpoints',
      'audit_log',
      'audit_retention',
      'auth_events',
      'idempotency_keys',
      'instance_settings',
      'job_runs',
      'oauth_clients',
      'oauth_store',
      'outbox_messages',
      'role_permissions',
      'roles',
      'sessions',
      'signing_keys',
      'ticket_categories',
      'ticket_statuses',
    ]);
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

  describe('fails closed: a connection that names no actor sees nothing', () => {
    // Every table under row-level security, read from the catalogue so a new one is covered at once.
    const protectedTables = async () =>
      (
        await sql<{ name: string }>`
          select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where c.relrowsecurity and n.nspname = 'public' order by 1`.execute(owner.db)
      ).rows.map((r) => r.name);
    const count = async (db: Database['db'], table: string) =>
      Number(
        (await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db)).rows[0]!.n,
      );

    beforeAll(async () => {
      // Rows in the tables a customer and the team fill: a ticket with a reply, a note and time spent.
      const customer = await createSignedIn(t, ['customer']);
      const agent = await createSignedIn(t, ['agent']);
      const ticket = (
        await customer.client.post('/api/v1/tickets', { subject: 'Jams', body: 'Tray 2' })
      ).json();
      await agent.client.post(`/api/v1/tickets/${ticket.id}/messages`, { body: 'Try tray 1.' });
      await agent.client.post(`/api/v1/tickets/${ticket.id}/messages`, {
        body: 'Part',
        visibility: 'internal',
      });
      await agent.client.post(`/api/v1/tickets/${ticket.id}/time-entries`, { minutes: 5, note: 'Looked' });
      await t.platform.database.db
        .insertInto('mfa_factors')
        .values({ user_id: customer.id, kind: 'totp', label: 'phone', confirmed_at: new Date() })
        .execute();
    });

    it('on every table with row-level security, unstamped app work reads no row; a system stamp reads all', async () => {
      const tables = await protectedTables();
      expect(tables).toEqual(expect.arrayContaining(['users', 'mfa_factors', 'tickets', 'time_entries']));
      const app = createDatabase(t.database.url, t.config, { asApp: true });
      try {
        const seen: Record<string, { all: number; unstamped: number; system: number }> = {};
        for (const table of tables)
          seen[table] = {
            all: await count(owner.db, table),
            unstamped: await count(app.db, table),
            system: await count(app.system, table),
          };
        const expected = Object.fromEntries(
          Object.entries(seen).map(([table, { all }]) => [table, { all, unstamped: 0, system: all }]),
        );
        expect(seen).toEqual(expected);
        // The seed reached the tables that matter most, so the zeros above mean something.
        for (const table of [
          'users',
          'mfa_factors',
          'tickets',
          'ticket_messages',
          'ticket_events',
          'time_entries',
        ])
          expect(seen[table]!.all, table).toBeGreaterThan(0);
      } finally {
        await app.close();
      }
    });

    it('on every table with row-level security, unstamped app work updates and deletes no row', async () => {
      const tables = (
        await sql<{ name: string; column: string; update: boolean; delete: boolean }>`
          select c.relname as name, (select attname from pg_attribute where attrelid = c.oid and attnum > 0 and not attisdropped
              and attidentity = '' and attgenerated = '' order by attnum limit 1) as column,
            has_table_privilege('switchboard_app', c.oid, 'UPDATE') as update,
            has_table_privilege('switchboard_app', c.oid, 'DELETE') as delete
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where c.relrowsecurity and n.nspname = 'public' order by 1`.execute(owner.db)
      ).rows;
      expect(tables.map((t) => t.name)).toEqual(await protectedTables());
      const touched: Record<string, number> = {};
      const rollBack = new Error('roll back');
      await expect(
        owner.db.transaction().execute(async (trx) => {
          await sql`set local role switchboard_app`.execute(trx);
          const affected = async (query: ReturnType<typeof sql>) =>
            Number((await query.execute(trx)).numAffectedRows);
          for (const t of tables) {
            const [table, column] = [sql.table(t.name), sql.ref(t.column)];
            touched[t.name] =
              (t.update ? await affected(sql`update ${table} set ${column} = ${column}`) : 0) +
              (t.delete ? await affected(sql`delete from ${table}`) : 0);
          }
          throw rollBack;
        }),
      ).rejects.toBe(rollBack);
      expect(touched).toEqual(Object.fromEntries(tables.map((t) => [t.name, 0])));
      // The verbs were tried where granted, so the zeros come from the policies, not from missing grants.
      expect(tables.filter((t) => t.update && t.delete).map((t) => t.name)).toEqual(
        expect.arrayContaining(['users', 'mfa_factors', 'tickets', 'time_entries']),
      );
    });

    it('raw SQL as the app role with no context at all (no stamp, no SET) reads and writes nothing', async () => {
      const tables = await protectedTables();
      const rows = await owner.db.transaction().execute(async (trx) => {
        await sql`set local role switchboard_app`.execute(trx);
        const seen: Record<string, number> = {};
        for (const table of tables) seen[table] = await count(trx, table);
        return seen;
      });
      expect(Object.values(rows).every((n) => n === 0)).toBe(true);
      await expect(
        owner.db.transaction().execute(async (trx) => {
          await sql`set local role switchboard_app`.execute(trx);
          await sql`insert into users (email, display_name, roles, status) values ('x@example.com', 'x', '{admin}', 'active')`.execute(
            trx,
          );
        }),
      ).rejects.toThrow(/row-level security/);
    });

    it('an unknown or empty context is nobody too, not the system', async () => {
      for (const context of ['', 'System', 'system ', 'nobody', 'admin']) {
        const n = await owner.db.transaction().execute(async (trx) => {
          await sql`set local role switchboard_app`.execute(trx);
          await sql`select set_config('app.context', ${context}, true)`.execute(trx);
          return count(trx, 'users');
        });
        expect(n, JSON.stringify(context)).toBe(0);
      }
    });
  });
});
