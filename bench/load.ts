import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import autocannon from 'autocannon';

const execFileAsync = promisify(execFile);

export interface LoadResult {
  target: string;
  requestsPerSecond: number;
  p50: number;
  p90: number;
  p99: number;
  errors: number;
  non2xx: number;
}

export interface LoadOptions {
  connections: number;
  seconds: number;
  /** `wrk` (C, from Debian) when installed: it spends far less CPU per response than autocannon. */
  client: 'wrk' | 'autocannon';
  /** Sent with every request (an `Authorization` header, say). */
  headers?: Record<string, string>;
  /** Paths (with query) on the same origin as `url`, requested in turn; default: `url` alone. */
  paths?: string[];
}

export const defaultClient = (): LoadOptions['client'] => (existsSync('/usr/bin/wrk') ? 'wrk' : 'autocannon');

/** Drives `url` for `seconds` at `connections` after a 2 s warm-up, and returns the headline figures. */
export async function load(target: string, url: string, options: LoadOptions): Promise<LoadResult> {
  return options.client === 'wrk'
    ? loadWithWrk(target, url, options)
    : loadWithAutocannon(target, url, options);
}

async function loadWithAutocannon(target: string, url: string, options: LoadOptions): Promise<LoadResult> {
  const headers = options.headers ?? {};
  const requests = options.paths?.map((p) => ({ method: 'GET' as const, path: p }));
  const common = { url, headers, connections: options.connections, ...(requests ? { requests } : {}) };
  await autocannon({ ...common, duration: 2 });
  const result = await autocannon({ ...common, duration: options.seconds });
  return {
    target,
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/** A wrk script that sends `paths` in turn: wrk's one thread hands the next to whichever connection asks. */
function rotationScript(paths: string[]): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'sb-wrk-')), 'paths.lua');
  writeFileSync(
    file,
    `local paths = {${paths.map((p) => JSON.stringify(p)).join(', ')}}
local i = math.random(#paths)
request = function()
  i = i % #paths + 1
  return wrk.format(nil, paths[i])
end
`,
  );
  return file;
}

/**
 * Runs wrk without blocking this process: the server under test writes its request logs to a pipe
 * this process drains, and a blocked event loop (spawnSync) lets that pipe fill and stall it.
 */
async function runWrk(
  url: string,
  connections: number,
  seconds: number,
  headers: Record<string, string> = {},
  script?: string,
): Promise<string> {
  const headerArgs = Object.entries(headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`]);
  if (script) headerArgs.push('-s', script);
  // One client thread: the other core is left to the server under test.
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', ...headerArgs, url];
  try {
    return (await execFileAsync('wrk', args, { encoding: 'utf8' })).stdout;
  } catch (error) {
    throw new Error(`wrk failed: ${(error as { stderr?: string }).stderr ?? error}`);
  }
}

function milliseconds(text: string): number {
  const match = /([\d.]+)(us|ms|s)/.exec(text);
  if (!match) return Number.NaN;
  const value = Number(match[1]);
  return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
}

async function loadWithWrk(target: string, url: string, options: LoadOptions): Promise<LoadResult> {
  const script = options.paths ? rotationScript(options.paths) : undefined;
  let out: string;
  try {
    await runWrk(url, options.connections, 2, options.headers, script);
    out = await runWrk(url, options.connections, options.seconds, options.headers, script);
  } finally {
    if (script) rmSync(path.dirname(script), { recursive: true, force: true });
  }
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    target,
    requestsPerSecond: Math.round(Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0)),
    p50: milliseconds(/^\s*50%\s+(\S+)/m.exec(out)?.[1] ?? ''),
    p90: milliseconds(/^\s*90%\s+(\S+)/m.exec(out)?.[1] ?? ''),
    p99: milliseconds(/^\s*99%\s+(\S+)/m.exec(out)?.[1] ?? ''),
    errors: socketErrors ? socketErrors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
  };
}
