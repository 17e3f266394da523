import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import autocannon from 'autocannon';

export interface LoadResult {
  target: string;
  requestsPerSecond: number;
  p50: number;
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
  await autocannon({ url, headers, connections: options.connections, duration: 2 });
  const result = await autocannon({
    url,
    headers,
    connections: options.connections,
    duration: options.seconds,
  });
  return {
    target,
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

function runWrk(
  url: string,
  connections: number,
  seconds: number,
  headers: Record<string, string> = {},
): string {
  const headerArgs = Object.entries(headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`]);
  // One client thread: the other core is left to the server under test.
  const run = spawnSync(
    'wrk',
    ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', ...headerArgs, url],
    {
      encoding: 'utf8',
    },
  );
  if (run.status !== 0) throw new Error(`wrk failed: ${run.stderr}`);
  return run.stdout;
}

function milliseconds(text: string): number {
  const match = /([\d.]+)(us|ms|s)/.exec(text);
  if (!match) return Number.NaN;
  const value = Number(match[1]);
  return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
}

async function loadWithWrk(target: string, url: string, options: LoadOptions): Promise<LoadResult> {
  runWrk(url, options.connections, 2, options.headers);
  const out = runWrk(url, options.connections, options.seconds, options.headers);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    target,
    requestsPerSecond: Math.round(Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0)),
    p50: milliseconds(/50%\s+(\S+)/.exec(out)?.[1] ?? ''),
    p99: milliseconds(/99%\s+(\S+)/.exec(out)?.[1] ?? ''),
    errors: socketErrors ? socketErrors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
  };
}
