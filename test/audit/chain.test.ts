import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '../../src/modules/audit/record.js';
import { purgeAuditLog } from '../../src/modules/audit/retention.js';
import { verifyAuditChain } from '../../src/modules/audit/verify.js';
import { createDatabase, type Database } from '../../src/platform/db/connection.js';
import { runCli } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const settings = {
  DATABASE_POOL_MAX: 20,
  DATABASE_STATEMENT_TIMEOUT_MS: 0,
  DATABASE_SSL_MODE: 'disable' as const,
};
let testDb: TestDatabase;
let app: Database; // as the running app connects: the app role
let owner: Database; // a person with the owner's password, editing by hand
beforeAll(async () => {
  testDb = await createTestDatabase();
  app = createDatabase(testDb.url, settings, { asApp: true });
  owner = createDatabase(testDb.url, settings);
});
afterAll(async () => {
  await app?.close();
  await owner?.close();
  await testDb?.drop();
});

const append = (i: number, extra: Record<string, unknown> = {}) =>
  app.db.transaction().execute((trx) =>
    recordAudit(trx, {
      actor: { type: 'user', id: `user-${i % 7}` },
      action: i % 2 ? 'tickets.reply' : 'auth.login_succeeded',
      target: { type: 'ticket', id: String(i) },
      outcome: 'success',
      ip: '203.0.113.9',
      details: { i, note: `entry ${i}`, ...extra },
    }),
  );
const ids = async () =>
  (await owner.db.selectFrom('audit_log').select('id').orderBy('id').execute()).map((r) => r.id);
const verifyCli = () => runCli(['audit', 'verify'], { DATABASE_URL: testDb.url, SECRET_KEY: 's'.repeat(48) });

describe('the audit hash chain', () => {
  it('stays one valid chain under 200 appends from 20 concurrent writers', async () => {
    await Promise.all(
      Array.from({ length: 20 }, async (_, w) => {
        for (let k = 0; k < 10; k++) await append(w * 10 + k);
      }),
    );
    expect(await verifyAuditChain(app.db)).toEqual({ ok: true, rows: 200 });
  });

  it('strips secrets from details, whatever the caller passes', async () => {
    await append(999, {
      password: 'hunter2',
      nested: { secret: 'x', token: 'y', kept: 1 },
      csrfToken: 't',
      passwordless: true,
    });
    const row = await owner.db
      .selectFrom('audit_log')
      .select('details')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(row.details).toEqual({ i: 999, note: 'entry 999', nested: { kept: 1 }, passwordless: true });
  });

  it('the app role can add and read entries, never change or delete them', async () => {
    await expect(sql`update audit_log set action = 'nothing.happened'`.execute(app.db)).rejects.toThrow(
      /permission denied/,
    );
    await expect(sql`delete from audit_log`.execute(app.db)).rejects.toThrow(/permission denied/);
  });

  it('`switchboard audit verify` passes an untouched log and names an edited row, then a deleted one', async () => {
    const untouched = await verifyCli();
    expect(untouched.code).toBe(0);
    expect(untouched.stdout).toContain('Audit log verified: 201 rows, chain intact.');

    const [, , , , fifth] = await ids();
    const original = await owner.db
      .selectFrom('audit_log')
      .select('details')
      .where('id', '=', fifth!)
      .executeTakeFirstOrThrow();
    await sql`update audit_log set details = details || '{"note":"nothing to see"}' where id = ${fifth}`.execute(
      owner.db,
    );
    const edited = await verifyCli();
    expect(edited.code).toBe(1);
    expect(edited.stdout).toContain(
      `Audit log TAMPERED: first bad row id=${fifth}: its content does not match its hash`,
    );

    await sql`update audit_log set details = ${JSON.stringify(original.details)}::jsonb where id = ${fifth}`.execute(
      owner.db,
    );
    expect((await verifyCli()).code).toBe(0);

    const all = await ids();
    await sql`delete from audit_log where id = ${all[100]}`.execute(owner.db);
    const deleted = await verifyCli();
    expect(deleted.code).toBe(1);
    expect(deleted.stdout).toContain(`first bad row id=${all[101]}: prev_hash does not match row ${all[99]}`);
  }, 60_000);
});

describe('retention', () => {
  it('purges old entries through the owner-rights function and the chain still verifies, twice over', async () => {
    const fresh = await createTestDatabase();
    const db = createDatabase(fresh.url, settings, { asApp: true });
    try {
      for (let i = 0; i < 10; i++) {
        await db.db.transaction().execute((trx) =>
          recordAudit(trx, {
            actor: { type: 'system', id: null },
            action: 'test.tick',
            outcome: 'success',
            details: { i },
          }),
        );
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const rows = await db.db.selectFrom('audit_log').select(['id', 'occurred_at']).orderBy('id').execute();
      const cutoff = rows[6]!.occurred_at;
      expect(await db.db.transaction().execute((trx) => purgeAuditLog(trx, cutoff))).toBe(6);
      expect(await verifyAuditChain(db.db)).toEqual({ ok: true, rows: 4 });
      expect(await db.db.transaction().execute((trx) => purgeAuditLog(trx, cutoff))).toBe(0);
      await db.db
        .transaction()
        .execute((trx) =>
          recordAudit(trx, { actor: { type: 'system', id: null }, action: 'test.tick', outcome: 'success' }),
        );
      expect(await verifyAuditChain(db.db)).toEqual({ ok: true, rows: 5 });
      // Purging everything leaves an empty log that continues from the anchor.
      expect(
        await db.db.transaction().execute((trx) => purgeAuditLog(trx, new Date(Date.now() + 1000))),
      ).toBe(5);
      await db.db
        .transaction()
        .execute((trx) =>
          recordAudit(trx, { actor: { type: 'system', id: null }, action: 'test.after', outcome: 'success' }),
        );
      expect(await verifyAuditChain(db.db)).toEqual({ ok: true, rows: 1 });
    } finally {
      await db.close();
      await fresh.drop();
    }
  });
});
