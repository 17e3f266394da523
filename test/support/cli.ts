import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { runCommandLine } from '../../src/cli/run.js';

const CLI = path.resolve('src/cli.ts');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment a command sees: ours, minus anything that would point it at another database. */
function cliEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = { ...process.env };
  for (const key of ['DATABASE_URL', 'REDIS_URL', 'PORT', 'NODE_ENV', 'DATA_DIR']) delete base[key];
  return { ...base, LOG_FORMAT: 'json', ENV_FILE: '/nonexistent/.env', ...env };
}

type Write = typeof process.stdout.write;

/**
 * Runs `switchboard <args>` in this process: the same command tree, environment and exit status
 * as the real binary, without a new Node and a second import of the whole app per call (seconds
 * each on two cores). `spawnCli` keeps one real process for what only a process shows.
 */
export async function runCli(
  args: string[],
  env: Record<string, string> = {},
  stdin = '',
): Promise<CliResult> {
  const saved = { env: process.env, log: console.log, error: console.error, warn: console.warn };
  const writes = { out: process.stdout.write, err: process.stderr.write };
  const output = { stdout: '', stderr: '' };
  const line =
    (stream: keyof typeof output) =>
    (...parts: unknown[]) => {
      output[stream] += `${parts.join(' ')}\n`;
    };
  const write = (stream: keyof typeof output) =>
    ((chunk: string | Uint8Array) => {
      output[stream] += chunk.toString();
      return true;
    }) as Write;
  process.env = cliEnv(env);
  Object.assign(console, { log: line('stdout'), error: line('stderr'), warn: line('stderr') });
  process.stdout.write = write('stdout');
  process.stderr.write = write('stderr');
  try {
    const status = await runCommandLine(['node', 'switchboard', ...args], [stdin]);
    return { code: status ?? Number(process.exitCode ?? 0), ...output };
  } finally {
    process.exitCode = undefined;
    Object.assign(console, { log: saved.log, error: saved.error, warn: saved.warn });
    process.stdout.write = writes.out;
    process.stderr.write = writes.err;
    process.env = saved.env;
  }
}

/** Runs `switchboard <args>` from source as its own process, to completion. */
export function spawnCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      env: cliEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface RunningServer {
  child: ChildProcess;
  baseUrl: string;
  output(): string;
  exited: Promise<number | null>;
}

/** Starts `switchboard serve` and resolves once it logs the address it listens on. */
export function startServer(env: Record<string, string>, timeoutMs = 60_000): Promise<RunningServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve'], {
    env: cliEnv({ HOST: '127.0.0.1', PORT: '0', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`serve did not start in ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, baseUrl: match[1]!, output: () => output, exited });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before listening:\n${output}`));
    });
  });
}
