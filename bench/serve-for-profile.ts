import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { preparePagesData } from './pages-data.js';
import { adminUrl, databaseUrl, sql, startServer } from './support.js';

/**
 * The built server as the page bench runs it, with the pages bench's data, left running for a
 * profiler: `--cpu-prof` (or other node flags) from NODE_FLAGS, details written to `--out` (JSON:
 * base URL, cookie, bearer, ticket id). Stops on SIGINT/SIGTERM, writing its profile.
 * Usage: NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" tsx bench/serve-for-profile.ts --out /tmp/prof/target.json
 */
const out = process.argv[process.argv.indexOf('--out') + 1] ?? '/tmp/sb-profile-target.json';
const NAME = 'sb_bench_profile';
await sql(adminUrl, `drop database if exists ${NAME} with (force)`);
await sql(adminUrl, `create database ${NAME}`);
const dbUrl = databaseUrl(NAME);
const server = await startServer(
  {
    MFA_REQUIRED_ROLES: 'none',
    DATABASE_URL: dbUrl,
    DATA_DIR: await mkdtemp(path.join(tmpdir(), 'sb-bench-')),
    ...(process.env.BENCH_REDIS_URL === 'none'
      ? {}
      : { REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379', REDIS_PREFIX: 'sbprof:' }),
    // SB_AUTH_CACHE_SECONDS=0 and the like reach the server without the prefix.
    ...Object.fromEntries(
      Object.entries(process.env)
        .filter(([k]) => k.startsWith('SB_'))
        .map(([k, v]) => [k.slice(3), v!]),
    ),
  },
  (process.env.NODE_FLAGS ?? '').split(' ').filter(Boolean),
);
const data = await preparePagesData(server.baseUrl, dbUrl);
await writeFile(out, JSON.stringify({ baseUrl: server.baseUrl, ...data }));
console.log(`ready: ${out}`);
const stop = async () => {
  await server.stop();
  await sql(adminUrl, `drop database if exists ${NAME} with (force)`);
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
