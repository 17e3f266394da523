import { mkdtemp } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { defaultClient, type LoadOptions, type LoadResult, load } from './load.js';
import {
  adminUrl,
  BENCH_PASSWORD,
  databaseUrl,
  insertUser,
  integrationToken,
  numberArg,
  signIn,
  sql,
  startServer,
} from './support.js';

/**
 * What an API call costs authenticated by an access token (signature check, then client, grant and
 * user lookups) against the same call with a session cookie, on the built server (`npm run build`
 * first) and an external PostgreSQL (BENCH_DATABASE_URL, default the local server).
 * Usage: tsx bench/api-tokens.ts [--seconds 10 --connections 50]
 */
const options: LoadOptions = {
  seconds: numberArg('seconds', 10),
  connections: numberArg('connections', 50),
  client: defaultClient(),
};

await sql(adminUrl, 'drop database if exists sb_bench_tokens with (force)');
await sql(adminUrl, 'create database sb_bench_tokens');
const dbUrl = databaseUrl('sb_bench_tokens');
const server = await startServer({
  MFA_REQUIRED_ROLES: 'none',
  DATABASE_URL: dbUrl,
  DATA_DIR: await mkdtemp(path.join(tmpdir(), 'sb-bench-')),
});
const results: LoadResult[] = [];
try {
  // An administrator with a session, and an integration allowed to read the user directory.
  await insertUser(dbUrl, 'bench-admin@example.com', ['admin']);
  const accessToken = await integrationToken(server.baseUrl, dbUrl, ['users:read']);
  const session = await signIn(server.baseUrl, 'bench-admin@example.com', BENCH_PASSWORD);

  const url = `${server.baseUrl}/api/v1/admin/users?limit=1`;
  results.push(await load('public /api/v1/instance (1 row)', `${server.baseUrl}/api/v1/instance`, options));
  results.push(
    await load('session cookie /api/v1/admin/users?limit=1', url, {
      ...options,
      headers: { cookie: session },
    }),
  );
  results.push(
    await load('bearer JWT /api/v1/admin/users?limit=1', url, {
      ...options,
      headers: { authorization: `Bearer ${accessToken}` },
    }),
  );
} finally {
  await server.stop();
  await sql(adminUrl, 'drop database if exists sb_bench_tokens with (force)');
}

console.log(
  `\n${cpus().length} CPUs (${cpus()[0]?.model}), Node ${process.version}, ${options.client}, ${options.connections} connections, ${options.seconds} s each\n`,
);
console.log('| target | req/s | p50 ms | p99 ms | errors | non-2xx |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const r of results)
  console.log(
    `| ${r.target} | ${r.requestsPerSecond} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.errors} | ${r.non2xx} |`,
  );
