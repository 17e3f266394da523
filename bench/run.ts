import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { defaultClient, type LoadOptions, type LoadResult, load } from './load.js';
import { startListening } from './processes.js';
import { adminUrl, databaseUrl, numberArg, sql, startServer } from './support.js';

/**
 * HTTP throughput of the built server (`npm run build` first) against the node:http ceiling, on the
 * embedded PostgreSQL and on an external one (BENCH_DATABASE_URL, default the local server).
 * Usage: npm run bench [-- --seconds 10 --connections 50 --client wrk|autocannon]
 */
const arg = numberArg;
const clientArg = process.argv.indexOf('--client');
const options: LoadOptions = {
  seconds: arg('seconds', 10),
  connections: arg('connections', 50),
  client: clientArg > 0 ? (process.argv[clientArg + 1] as LoadOptions['client']) : defaultClient(),
};
const results: LoadResult[] = [];

async function measureSwitchboard(label: string, env: Record<string, string>): Promise<void> {
  const server = await startServer(env);
  try {
    results.push(await load(`${label} /health`, `${server.baseUrl}/health`, options));
    results.push(
      await load(`${label} /api/v1/instance (1 row)`, `${server.baseUrl}/api/v1/instance`, options),
    );
  } finally {
    await server.stop();
  }
}

async function externalDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  await sql(adminUrl, 'drop database if exists sb_bench with (force)');
  await sql(adminUrl, 'create database sb_bench');
  return {
    url: databaseUrl('sb_bench'),
    drop: async () => void (await sql(adminUrl, 'drop database if exists sb_bench with (force)')),
  };
}

const hello = await startListening(process.execPath, ['--import', 'tsx', 'bench/hello-server.ts'], {});
try {
  results.push(await load('node:http hello (ceiling)', `${hello.baseUrl}/`, options));
} finally {
  await hello.stop();
}

const dataDir = await mkdtemp(path.join(tmpdir(), 'sb-bench-'));
try {
  await measureSwitchboard('embedded PG', { DATA_DIR: dataDir });
} finally {
  await rm(dataDir, { recursive: true, force: true });
}

const external = await externalDatabase();
try {
  await measureSwitchboard('external PG', {
    DATABASE_URL: external.url,
    DATA_DIR: await mkdtemp(path.join(tmpdir(), 'sb-bench-')),
  });
} finally {
  await external.drop();
}

const ceiling = results[0]!.requestsPerSecond;
console.log(
  `\n${cpus().length} CPUs (${cpus()[0]?.model}), Node ${process.version}, ${options.client}, ${options.connections} connections, ${options.seconds} s each\n`,
);
console.log('| target | req/s | % of node:http | p50 ms | p99 ms | errors | non-2xx |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const r of results) {
  const share = Math.round((r.requestsPerSecond / ceiling) * 100);
  console.log(
    `| ${r.target} | ${r.requestsPerSecond} | ${share} % | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.errors} | ${r.non2xx} |`,
  );
}
