import { mkdtemp } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { hashPassword } from '../src/modules/auth/passwords/hash.js';
import { hashClientSecret } from '../src/modules/oauth/clients/secret.js';
import { defaultClient, type LoadOptions, type LoadResult, load } from './load.js';
import { adminUrl, databaseUrl, signIn, sql, startServer } from './support.js';

/**
 * What an API call costs authenticated by an access token (signature check, then client, grant and
 * user lookups) against the same call with a session cookie, on the built server (`npm run build`
 * first) and an external PostgreSQL (BENCH_DATABASE_URL, default the local server).
 * Usage: tsx bench/api-tokens.ts [--seconds 10 --connections 50]
 */
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const options: LoadOptions = {
  seconds: arg('seconds', 10),
  connections: arg('connections', 50),
  client: defaultClient(),
};
const PASSWORD = 'bench-password-that-is-long-7';
const SECRET = 'sbcs_bench-secret-0123456789abcdefghijklmnopqrstuv';

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
  await sql(
    dbUrl,
    `insert into users (email, display_name, roles, status, email_verified_at, password_hash)
     values ('bench-admin@example.com', 'Bench', '{admin}', 'active', now(), $1)`,
    [await hashPassword(PASSWORD)],
  );
  await sql(
    dbUrl,
    `insert into oauth_clients (client_id, name, type, grant_types, scopes, secret_hash)
     values ('bench', 'Bench', 'confidential', '{client_credentials}', '{users:read}', $1)`,
    [hashClientSecret(SECRET)],
  );
  const session = await signIn(server.baseUrl, 'bench-admin@example.com', PASSWORD);
  const token = await fetch(`${server.baseUrl}/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`bench:${SECRET}`).toString('base64')}`,
    },
    body: 'grant_type=client_credentials&scope=users:read',
  });
  if (token.status !== 200) throw new Error(`token request failed: ${await token.text()}`);
  const accessToken = (await token.json()).access_token as string;

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
