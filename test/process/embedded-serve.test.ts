import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/platform/process/free-port.js';
import { type RunningServer, runCli, startServer } from '../support/cli.js';
import { waitFor } from '../support/wait.js';

/** `npm start` with no DATABASE_URL: the embedded PostgreSQL, a SIGKILL, and a restart that recovers. */
describe('serve on embedded PostgreSQL', () => {
  let dataDir: string;
  const servers: RunningServer[] = [];
  afterAll(async () => {
    for (const server of servers) server.child.kill('SIGKILL');
    // Stop the embedded server the last run left behind, then remove its data.
    if (dataDir) {
      await runCli(['db', 'status'], { DATA_DIR: dataDir });
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  async function embeddedUrl(): Promise<string> {
    const password = (await readFile(path.join(dataDir, 'postgres-password'), 'utf8')).trim();
    const port = (await readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[3];
    return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/switchboard`;
  }

  async function ready(server: RunningServer): Promise<void> {
    await waitFor(
      async () => (await fetch(`${server.baseUrl}/health/ready`).catch(() => undefined))?.status === 200,
      15_000,
    );
  }

  it('initialises on first start, survives kill -9 with committed data intact, and stops cleanly', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'sb-embedded-'));
    const port = await freePort();
    const first = await startServer({ DATA_DIR: dataDir, PORT: String(port) });
    servers.push(first);
    await ready(first);
    expect(existsSync(path.join(dataDir, 'secret-key'))).toBe(true);

    // The CLI, run without PUBLIC_URL or PORT, links to the server that runs, not to port 3000.
    const admin = await runCli(['admin', 'create', '--email', 'first@example.com'], { DATA_DIR: dataDir });
    expect(admin.stderr).toBe('');
    expect(admin.stdout).toContain(`http://localhost:${port}/auth/magic?token=`);

    const client = new pg.Client({ connectionString: await embeddedUrl() });
    await client.connect();
    await client.query(`update instance_settings set value = '{"name":"Survivor"}' where key = 'instance'`);
    await client.end();

    first.child.kill('SIGKILL');
    await first.exited;

    const second = await startServer({ DATA_DIR: dataDir });
    servers.push(second);
    await ready(second);
    expect(second.output()).toContain('recovered orphaned PostgreSQL');
    const instance = (await (await fetch(`${second.baseUrl}/api/v1/instance`)).json()) as { name: string };
    expect(instance.name).toBe('Survivor');

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
  }, 120_000);
});
