import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { freePort } from '../process/free-port.js';
import { loadBinaries, postgresRunAs, type RunAs } from './embedded-binaries.js';

export const EMBEDDED_DATABASE = 'switchboard';
const SUPERUSER = 'postgres';

export interface EmbeddedPostgres {
  url: string;
  /** True when this process started (or adopted) the server and must stop it on exit. */
  owned: boolean;
  stop(): Promise<void>;
}

interface Paths {
  cluster: string;
  logs: string;
  password: string;
  owner: string;
}

function pathsFor(dataDir: string): Paths {
  return {
    cluster: path.join(dataDir, 'postgres'),
    logs: path.join(dataDir, 'logs'),
    password: path.join(dataDir, 'postgres-password'),
    owner: path.join(dataDir, 'postgres.owner'),
  };
}

/**
 * Starts (or finds) the embedded PostgreSQL for DATA_DIR and returns a URL to its `switchboard`
 * database. The server runs detached under `pg_ctl`, logging to DATA_DIR/logs/postgres.log:
 * - a server already running for this data dir is reused. If the process that started it is gone
 *   (killed with SIGKILL), we adopt it and stop it when we exit; if it is alive (a CLI command
 *   next to `serve`), we share it and leave it running.
 * - crash safety is PostgreSQL's own: committed rows are in its WAL, so a killed app loses nothing.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  log?: (message: string) => void;
}): Promise<EmbeddedPostgres> {
  const log = options.log ?? (() => {});
  const paths = pathsFor(options.dataDir);
  const bin = await loadBinaries();
  const runAs = await postgresRunAs();
  await mkdir(paths.logs, { recursive: true });
  await ownBy(paths.logs, runAs);
  await letServerTraverse(options.dataDir, runAs);

  if (!existsSync(path.join(paths.cluster, 'PG_VERSION'))) {
    log(`initialising embedded PostgreSQL in ${paths.cluster}`);
    await initialise(bin.initdb, paths, runAs);
  }
  const password = (await readFile(paths.password, 'utf8')).trim();

  let port = await runningServerPort(paths.cluster);
  let owned = true;
  if (port) {
    const ownerAlive = await ownerIsAlive(paths.owner);
    owned = !ownerAlive;
    log(
      ownerAlive
        ? `sharing embedded PostgreSQL on port ${port}`
        : `recovered orphaned PostgreSQL on port ${port}`,
    );
  } else {
    port = options.port || (await freePort());
    await pgCtl(bin.pg_ctl, runAs, [
      'start',
      '-w',
      '-t',
      '60',
      '-D',
      paths.cluster,
      '-l',
      path.join(paths.logs, 'postgres.log'),
      '-o',
      `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`,
    ]);
    log(`embedded PostgreSQL listening on 127.0.0.1:${port}`);
  }
  if (owned) await writeFile(paths.owner, String(process.pid));

  const base = `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  await ensureDatabase(`${base}/postgres`, EMBEDDED_DATABASE);

  let stopped = false;
  return {
    url: `${base}/${EMBEDDED_DATABASE}`,
    owned,
    async stop() {
      if (!owned || stopped) return;
      stopped = true;
      await pgCtl(bin.pg_ctl, runAs, ['stop', '-w', '-t', '60', '-m', 'fast', '-D', paths.cluster]);
      await rm(paths.owner, { force: true });
    },
  };
}

/** initdb into a scratch folder, then rename: a crash mid-way never leaves a half-made cluster. */
async function initialise(initdb: string, paths: Paths, runAs: RunAs): Promise<void> {
  const scratch = `${paths.cluster}.init-${process.pid}`;
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch, { recursive: true, mode: 0o700 });
  await ownBy(scratch, runAs);
  const password = randomBytes(24).toString('base64url');
  const pwfile = path.join(paths.logs, `.pwfile-${process.pid}`);
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  await ownBy(pwfile, runAs);
  try {
    await exec(initdb, runAs, [
      `--pgdata=${scratch}`,
      '--auth=scram-sha-256',
      `--username=${SUPERUSER}`,
      `--pwfile=${pwfile}`,
      '--encoding=UTF8',
      '--locale=C.UTF-8',
      '--lc-messages=C',
    ]);
  } finally {
    await rm(pwfile, { force: true });
  }
  await writeFile(paths.password, `${password}\n`, { mode: 0o600 });
  await rename(scratch, paths.cluster);
}

async function runningServerPort(cluster: string): Promise<number | undefined> {
  let lines: string[];
  try {
    lines = (await readFile(path.join(cluster, 'postmaster.pid'), 'utf8')).split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return pid && port && isAlive(pid) ? port : undefined;
}

async function ownerIsAlive(ownerFile: string): Promise<boolean> {
  const pid = Number(await readFile(ownerFile, 'utf8').catch(() => '0'));
  return pid > 0 && pid !== process.pid && isAlive(pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`create database ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

/**
 * When we run as root and the server as `postgres`, the server must be able to pass through
 * DATA_DIR to reach its own folder (a 0700 directory from mkdtemp would lock it out). Only the
 * search bit is added; nobody gains the right to list or read DATA_DIR.
 */
async function letServerTraverse(dataDir: string, runAs: RunAs): Promise<void> {
  if (runAs.uid === undefined) return;
  const mode = (await stat(dataDir)).mode & 0o777;
  if ((mode & 0o001) === 0) await chmod(dataDir, mode | 0o001);
}

async function ownBy(target: string, runAs: RunAs): Promise<void> {
  if (runAs.uid !== undefined && runAs.gid !== undefined) await chown(target, runAs.uid, runAs.gid);
}

/**
 * `detached` puts pg_ctl (and the server it forks) in its own session, so a Ctrl-C in the terminal
 * reaches only Switchboard, which then drains requests before stopping the database itself.
 */
function pgCtl(pgCtlPath: string, runAs: RunAs, args: string[]): Promise<string> {
  return exec(pgCtlPath, runAs, args, true);
}

function exec(file: string, runAs: RunAs, args: string[], detached = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      ...runAs,
      detached,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${path.basename(file)} ${args[0]} failed (exit ${code}): ${output.trim()}`));
    });
  });
}
