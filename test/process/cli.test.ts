import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../support/cli.js';
import { createEmptyDatabase, type TestDatabase } from '../support/database.js';

describe('switchboard CLI', () => {
  it('prints help for every command group and fails on unknown commands', async () => {
    // The one real process: the entry point's shebang-free start and its exit status. Loading the
    // whole CLI through tsx took over 30 s on a CI run that shared two cores with other work.
    const help = await spawnCli(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['serve', 'worker', 'db', 'jobs', 'config']) expect(help.stdout).toContain(command);
    expect((await runCli(['db', '--help'])).stdout).toMatch(/migrate[\s\S]*rollback[\s\S]*status/);
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
  }, 90_000);

  it('prints the effective config with secrets masked', async () => {
    const result = await runCli(['config'], {
      DATABASE_URL: 'postgres://app:hunter2@db.internal/sb',
      PORT: '4321',
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('PORT=4321');
    expect(result.stdout).toContain('DATABASE_URL=postgres://app:****@db.internal/sb');
    expect(result.stdout).not.toContain('hunter2');
  });

  it('stops with one clear line and status 78 on a bad setting', async () => {
    const result = await runCli(['config'], { PORT: 'eighty' });
    expect(result.code).toBe(78);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^Invalid setting PORT="eighty": /),
    ]);
  });

  it('rejects a bad --steps value', async () => {
    const result = await runCli(['db', 'rollback', '--steps', 'zero'], {
      DATABASE_URL: 'postgres://x@127.0.0.1:1/x',
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('must be a whole number');
  });
});

/** The same migration commands on an external server and on the embedded one. */
describe.each(['external', 'embedded'] as const)('switchboard db on %s PostgreSQL', (kind) => {
  let env: Record<string, string>;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    if (kind === 'external') {
      const database: TestDatabase = await createEmptyDatabase();
      env = { DATABASE_URL: database.url };
      cleanup = database.drop;
    } else {
      const dataDir = await mkdtemp(path.join(tmpdir(), 'sb-cli-'));
      env = { DATA_DIR: dataDir };
      cleanup = () => rm(dataDir, { recursive: true, force: true });
    }
  });
  afterAll(() => cleanup());

  it('migrate, status, rollback --steps, migrate again; jobs status', async () => {
    const before = await runCli(['db', 'status'], env);
    expect(before.code).toBe(0);
    expect(before.stdout).toMatch(/^0 applied, \d+ pending$/m);

    const migrate = await runCli(['db', 'migrate'], env);
    expect(migrate.code).toBe(0);
    expect(migrate.stdout).toMatch(/applied\s+\d{12}_instance_settings/);
    expect((await runCli(['db', 'migrate'], env)).stdout).toContain('Already up to date.');

    const rollback = await runCli(['db', 'rollback', '--steps', '2'], env);
    expect(rollback.code).toBe(0);
    expect(rollback.stdout.trim().split('\n')).toHaveLength(2);
    expect((await runCli(['db', 'status'], env)).stdout).toMatch(/ 2 pending$/m);

    expect((await runCli(['db', 'migrate'], env)).stdout.trim().split('\n')).toHaveLength(2);
    expect((await runCli(['db', 'status'], env)).stdout).toMatch(/ 0 pending$/m);

    const jobs = await runCli(['jobs', 'status'], env);
    expect(jobs.code).toBe(0);
    expect(jobs.stdout).toMatch(/^queue\s+created\s+retry\s+active\s+completed\s+failed\s+dead/);
  }, 120_000);
});
