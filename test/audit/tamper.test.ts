import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { auditRetentionJob } from '../../src/modules/audit/retention.js';
import { verifyAuditChain } from '../../src/modules/audit/verify.js';
import { type ChainedFields, GENESIS, legacyHash } from '../../src/platform/audit/chain.js';
import { recordAudit } from '../../src/platform/audit/record.js';
import { createDatabase, type Database } from '../../src/platform/db/connection.js';
import type { JobPorts } from '../../src/platform/jobs/define.js';
import { rememberProcessSecret } from '../../src/platform/secrets/process-secret.js';
import { runCli } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/** The retention job uses none of the process's ports. */
const noPorts = {} as JobPorts;

/**
 * Issue 15, item 8: someone with SQL access (the owner's password, or the app role's rights) tries
 * to rewrite history. Each test gets a fresh log of 20 keyed entries and a signed head checkpoint.
 */
const SECRET_KEY = 't'.repeat(48);
rememberProcessSecret(SECRET_KEY);
const settings = {
  DATABASE_POOL_MAX: 4,
  DATABASE_STATEMENT_TIMEOUT_MS: 0,
  DATABASE_SSL_MODE: 'disable' as const,
};
const DAY = 86_400_000;

let testDb: TestDatabase;
let app: Database; // the running app's rights (the app role)
let owner: Database; // the owner's (or a superuser's) rights, editing by hand
beforeEach(async () => {
  testDb = await createTestDatabase();
  app = createDatabase(testDb.url, settings, { asApp: true });
  owner = createDatabase(testDb.url, settings);
  for (let i = 0; i < 20; i++) await append(i);
  await checkpoint();
});
afterEach(async () => {
  vi.useRealTimers();
  await app.close();
  await owner.close();
  await testDb.drop();
});

const append = (i: number) =>
  app.db.transaction().execute((trx) =>
    recordAudit(trx, {
      actor: { type: 'user', id: `user-${i % 3}` },
      action: 'tickets.reply',
      target: { type: 'ticket', id: String(i) },
      outcome: 'success',
      ip: '203.0.113.9',
      details: { i },
    }),
  );
/** What the periodic job does: sign the head. */
const checkpoint = () =>
  app.db.transaction().execute(async (trx) => {
    const { writeCheckpoint } = await import('../../src/platform/audit/checkpoint.js');
    return writeCheckpoint(trx, 'head');
  });
const rows = () => owner.db.selectFrom('audit_log').selectAll().orderBy('id').execute();
const verify = () => verifyAuditChain(owner.db);
const verifyCli = () => runCli(['audit', 'verify'], { DATABASE_URL: testDb.url, SECRET_KEY });

/** The attacker's tool: recompute every hash from `fromIndex` on with plain SHA-256, as verify once did. */
async function rehashWithSha256(fromIndex: number, asVersion?: 1) {
  const all = await rows();
  let prev = fromIndex === 0 ? GENESIS : all[fromIndex - 1]!.hash;
  for (const row of all.slice(fromIndex)) {
    const hash = legacyHash(prev, row as ChainedFields);
    await sql`update audit_log set prev_hash = ${prev}, hash = ${hash},
      chain_version = ${asVersion ?? sql`chain_version`} where id = ${row.id}`.execute(owner.db);
    prev = hash;
  }
}

describe('the audit chain against someone with SQL access', () => {
  it('names the truncation when the newest rows are deleted (verify and `switchboard audit verify`)', async () => {
    expect(await verify()).toEqual({ ok: true, rows: 20 });
    const all = await rows();
    await sql`delete from audit_log where id > ${all[16]!.id}`.execute(owner.db);
    const report = await verify();
    expect(report).toMatchObject({ ok: false, firstBadId: all[19]!.id });
    expect(report.ok || report.reason).toMatch(/missing, yet checkpoint \d+ .* signed it/);
    const cli = await verifyCli();
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain(`Audit log TAMPERED: first bad row id=${all[19]!.id}`);
  }, 30_000);

  it('names the truncation when the newest rows are deleted and new ones appended after them', async () => {
    const all = await rows();
    await sql`delete from audit_log where id > ${all[9]!.id}`.execute(owner.db);
    // Appends continue from the new end, so the chain links up again: only the checkpoint tells.
    await append(100);
    expect(await verify()).toMatchObject({ ok: false, firstBadId: all[19]!.id });
  });

  it('fails a row rewritten with every later row re-hashed with plain SHA-256', async () => {
    const all = await rows();
    await sql`update audit_log set details = '{"i": 5, "note": "nothing happened"}' where id = ${all[5]!.id}`.execute(
      owner.db,
    );
    await rehashWithSha256(5);
    expect(await verify()).toMatchObject({ ok: false, firstBadId: all[5]!.id });
    expect(((await verify()) as { reason: string }).reason).toMatch(/does not match its hash/);
  });

  it('fails the same rewrite passed off as old unkeyed rows (chain version 1), however far back it starts', async () => {
    const all = await rows();
    await sql`update audit_log set outcome = 'failure' where id = ${all[5]!.id}`.execute(owner.db);
    await rehashWithSha256(5, 1);
    expect(await verify()).toMatchObject({ ok: false, firstBadId: all[5]!.id });
    await rehashWithSha256(0, 1);
    const whole = await verify();
    expect(whole.ok).toBe(false);
  });

  it('fails rows purged by hand with an anchor written by hand (no signed purge)', async () => {
    const all = await rows();
    await sql`insert into audit_anchor (id, last_purged_id, last_purged_hash, purged_at)
      values (true, ${all[4]!.id}, ${all[4]!.hash}, now())`.execute(owner.db);
    await sql`delete from audit_log where id <= ${all[4]!.id}`.execute(owner.db);
    expect(await verify()).toMatchObject({ ok: false, firstBadId: all[4]!.id });
  });

  it('fails a checkpoint not signed with the key (anyone can insert one, nobody can forge one)', async () => {
    const all = await rows();
    await sql`insert into audit_checkpoints (kind, seq, hash, made_at, signature)
      values ('head', ${all[19]!.id}, ${all[19]!.hash}, now(), ${Buffer.alloc(32)})`.execute(app.db);
    expect(await verify()).toMatchObject({ ok: false, firstBadId: all[19]!.id });
  });

  it('the app role cannot purge recent entries, move the retention floor, or change checkpoints', async () => {
    for (const cutoff of [sql`now()`, sql`'infinity'::timestamptz`, sql`null`]) {
      const { rows: out } = await sql<{ removed: string }>`select audit_purge(${cutoff}) as removed`.execute(
        app.db,
      );
      expect(Number(out[0]!.removed)).toBe(0);
    }
    expect((await rows()).length).toBe(20);
    await expect(sql`update audit_retention set days = 1`.execute(app.db)).rejects.toThrow(
      /permission denied/,
    );
    await expect(sql`delete from audit_checkpoints`.execute(app.db)).rejects.toThrow(/permission denied/);
    await expect(sql`update audit_checkpoints set seq = 0`.execute(app.db)).rejects.toThrow(
      /permission denied/,
    );
    await expect(sql`delete from audit_anchor`.execute(app.db)).rejects.toThrow(/permission denied/);
    expect(await verify()).toEqual({ ok: true, rows: 20 });
  });

  it('an entry dated long ago at the end of the log does not let audit_purge() take the entries before it', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() - 500 * DAY);
    await append(50);
    vi.useRealTimers();
    // The same through the app role's own INSERT right, without the key (verify names that row anyway).
    await sql`insert into audit_log (occurred_at, actor_type, action, outcome, prev_hash, hash, chain_version)
      values ('1970-01-01', 'system', 'forged', 'success', ${GENESIS}, ${GENESIS}, 2)`.execute(app.db);
    const { rows: out } = await sql<{ removed: string }>`select audit_purge(now()) as removed`.execute(
      app.db,
    );
    expect(Number(out[0]!.removed)).toBe(0);
    expect((await rows()).length).toBe(22);
  });

  it('rows written before the chain was keyed still verify, and are sealed by the first keyed append', async () => {
    const fresh = await createTestDatabase();
    const db = createDatabase(fresh.url, settings, { asApp: true });
    const byHand = createDatabase(fresh.url, settings);
    try {
      // Three rows as the unkeyed chain wrote them (chain version 1, plain SHA-256).
      let prev: Buffer = GENESIS;
      for (let i = 0; i < 3; i++) {
        const row: ChainedFields = {
          occurred_at: new Date(Date.now() - (3 - i) * 1000),
          actor_type: 'system',
          actor_id: null,
          action: 'legacy',
          target_type: null,
          target_id: null,
          outcome: 'success',
          ip: null,
          user_agent: null,
          request_id: null,
          details: { i },
        };
        const hash = legacyHash(prev, row);
        await byHand.db
          .insertInto('audit_log')
          .values({
            ...row,
            actor_type: 'system',
            outcome: 'success',
            details: JSON.stringify(row.details),
            prev_hash: prev,
            hash,
            chain_version: 1,
          })
          .execute();
        prev = hash;
      }
      expect(await verifyAuditChain(db.db)).toEqual({ ok: true, rows: 3 });
      await db.db
        .transaction()
        .execute((trx) =>
          recordAudit(trx, { actor: { type: 'system', id: null }, action: 'keyed', outcome: 'success' }),
        );
      expect(await verifyAuditChain(db.db)).toEqual({ ok: true, rows: 4 });
      const seal = await byHand.db.selectFrom('audit_checkpoints').selectAll().executeTakeFirstOrThrow();
      const legacy = await byHand.db.selectFrom('audit_log').selectAll().orderBy('id').execute();
      expect(seal).toMatchObject({ kind: 'head', seq: legacy[2]!.id, hash: legacy[2]!.hash });

      // Rewriting an unkeyed row and re-hashing the unkeyed rows (and the keyed row's link) is caught.
      await sql`update audit_log set action = 'rewritten' where id = ${legacy[1]!.id}`.execute(byHand.db);
      let link = legacy[0]!.hash;
      for (const row of [legacy[1]!, legacy[2]!]) {
        const current = await byHand.db
          .selectFrom('audit_log')
          .selectAll()
          .where('id', '=', row.id)
          .executeTakeFirstOrThrow();
        const hash = legacyHash(link, current as ChainedFields);
        await sql`update audit_log set prev_hash = ${link}, hash = ${hash} where id = ${row.id}`.execute(
          byHand.db,
        );
        link = hash;
      }
      await sql`update audit_log set prev_hash = ${link} where id = ${legacy[3]!.id}`.execute(byHand.db);
      expect(await verifyAuditChain(db.db)).toMatchObject({ ok: false, firstBadId: legacy[2]!.id });
    } finally {
      await db.close();
      await byHand.close();
      await fresh.drop();
    }
  });

  it('the retention job purges entries past the retention period and verify stays intact', async () => {
    const fresh = await createTestDatabase();
    const db = createDatabase(fresh.url, settings, { asApp: true });
    try {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() - 500 * DAY);
      for (let i = 0; i < 3; i++)
        await db.db
          .transaction()
          .execute((trx) =>
            recordAudit(trx, { actor: { type: 'system', id: null }, action: 'old', outcome: 'success' }),
          );
      vi.useRealTimers();
      await db.db
        .transaction()
        .execute((trx) =>
          recordAudit(trx, { actor: { type: 'system', id: null }, action: 'new', outcome: 'success' }),
        );
      const logger = { info: vi.fn(), warn: vi.fn() };
      await db.db
        .transaction()
        .execute((trx) =>
          auditRetentionJob.run(
            { trx, jobId: 'j', retryCount: 0, logger: logger as never, ports: noPorts },
            { days: 400 },
          ),
        );
      expect(await verifyAuditChain(db.db)).toEqual({ ok: true, rows: 1 });
      // The purge's signed marker is in the log too, as a structured line.
      expect(logger.info).toHaveBeenCalledWith(
        { auditCheckpoint: expect.objectContaining({ kind: 'purge', signature: expect.any(String) }) },
        'audit checkpoint',
      );
    } finally {
      vi.useRealTimers();
      await db.close();
      await fresh.drop();
    }
  });
});
