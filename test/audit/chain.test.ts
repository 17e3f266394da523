import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditRetentionJob } from '../../src/modules/audit/retention.js';
import { verifyAuditChain } from '../../src/modules/audit/verify.js';
import { recordAudit } from '../../src/platform/audit/record.js';
import { createDatabase, type Database } from '../../src/platform/db/connection.js';
import type { JobPorts } from '../../src/platform/jobs/define.js';
import { rememberProcessSecret } from '../../src/platform/secrets/process-secret.js';
import { runCli } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/** The retention job uses none of the process's ports. */
const noPorts = {} as JobPorts;

const settings = {
  DATABASE_POOL_MAX: 20,
  DATABASE_STATEMENT_TIMEOUT_MS: 0,
  DATABASE_SSL_MODE: 'disable' as const,
};
// The key the CLI below is given: the chain written here is keyed with it.
const SECRET_KEY = 's'.repeat(48);
rememberProcessSecret(SECRET_KEY);
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
const verifyCli = () => runCli(['audit', 'verify'], { DATABASE_URL: testDb.url, SECRET_KEY });

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

const DAY = 86_400_000;
const silent = { info() {}, warn() {} } as unknown as Parameters<typeof auditRetentionJob.run>[0]['logger'];

describe('retention', () => {
  it('the nightly job purges entries past the retention period and the chain still verifies, twice over', async () => {
    const fresh = await createTestDatabase();
    const db = createDatabase(fresh.url, settings, { asApp: true });
    const freshOwner = createDatabase(fresh.url, settings);
    const tick = (action: string, i?: number) =>
      db.db.transaction().execute((trx) =>
        recordAudit(trx, {
          actor: { type: 'system', id: null },
          action,
          outcome: 'success',
          details: { i },
        }),
      );
    const retention = (days: number) =>
      db.db
        .transaction()
        .execute((trx) =>
          auditRetentionJob.run({ trx, jobId: 'j', retryCount: 0, logger: silent, ports: noPorts }, { days }),
        );
    const count = async () => (await db.db.selectFrom('audit_log').select('id').execute()).length;
    try {
      // Six entries written 500 days ago, then four 300 days ago (past and within the 400-day floor).
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() - 500 * DAY);
      for (let i = 0; i < 6; i++) await tick('test.tick', i);
      vi.setSystemTime(Date.now() + 200 * DAY);
      for (let i = 6; i < 10; i++) await tick('test.tick', i);
      vi.useRealTimers();

      await retention(400);
      expect(await count()).toBe(4);
      expect(await verifyAuditChain(db.db)).toEqual({ ok: true, rows: 4 });
      await retention(400);
      expect(await count()).toBe(4);
      await tick('test.tick');
      expect(await verifyAuditChain(db.db)).toEqual({ ok: true, rows: 5 });

      // A shorter AUDIT_RETENTION_DAYS than the owner's floor keeps entries to the floor...
      await retention(30);
      expect(await count()).toBe(5);
      // ...until the owner lowers it; purging everything older leaves a log that continues from the anchor.
      await sql`update audit_retention set days = 30`.execute(freshOwner.db);
      await retention(30);
      expect(await count()).toBe(1);
      await tick('test.after');
      expect(await verifyAuditChain(db.db)).toEqual({ ok: true, rows: 2 });
    } finally {
      vi.useRealTimers();
      await db.close();
      await freshOwner.close();
      await fresh.drop();
    }
  });
});
