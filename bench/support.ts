import pg from 'pg';
import { hashPassword } from '../src/modules/auth/passwords/hash.js';
import { hashClientSecret } from '../src/modules/oauth/clients/secret.js';
import { type Started, startListening, startLogging } from './processes.js';

/** The external PostgreSQL the benches create their databases on. */
export const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** One statement on its own connection. */
export async function sql(url: string, text: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

/** The URL of database `name` on the bench server. */
export function databaseUrl(name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** `switchboard serve` as `npm start` and the `switchboard` command run it (src/cli.ts). */
export const SERVE = ['--max-semi-space-size=32', 'dist/cli.js', 'serve'];

/**
 * The built server (`npm run build` first) as in production (`npm start`, the `switchboard` command):
 * the same V8 flag, info-level JSON logs, a free port.
 */
export const startServer = (env: Record<string, string>, nodeFlags: string[] = []): Promise<Started> =>
  startListening(process.execPath, [...nodeFlags, ...SERVE], { ...PRODUCTION, ...env });

/** `switchboard worker` with the same settings (start the server first: it migrates the database). */
export const startWorker = (env: Record<string, string>): Promise<Started> =>
  startLogging(
    process.execPath,
    [...SERVE.slice(0, -1), 'worker'],
    { ...PRODUCTION, ...env },
    /worker started/,
  );

const PRODUCTION = {
  NODE_ENV: 'production',
  LOG_LEVEL: 'info',
  LOG_FORMAT: 'json',
  HOST: '127.0.0.1',
  PORT: '0',
  ENV_FILE: '/nonexistent',
};

const cookies = (response: Response) =>
  response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');

/** Signs in through the API (CSRF token, then password) and returns the session cookie. */
export async function signIn(baseUrl: string, email: string, password: string): Promise<string> {
  const csrf = await fetch(`${baseUrl}/api/v1/auth/csrf`);
  const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      cookie: cookies(csrf),
      'x-csrf-token': (await csrf.json()).csrfToken,
    },
    body: JSON.stringify({ email, password }),
  });
  if (login.status !== 200) throw new Error(`sign-in as ${email} failed: ${await login.text()}`);
  return cookies(login);
}

/** `--name 12` from the command line, or `fallback`. */
export function numberArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

/** The password of every user the benches create. */
export const BENCH_PASSWORD = 'bench-password-that-is-long-7';
const BENCH_SECRET = 'sbcs_bench-secret-0123456789abcdefghijklmnopqrstuv';

/** An active, verified user with `roles` who signs in with BENCH_PASSWORD. */
export async function insertUser(dbUrl: string, email: string, roles: string[]): Promise<void> {
  await sql(
    dbUrl,
    `insert into users (email, display_name, roles, status, email_verified_at, password_hash)
     values ($1, 'Bench', $2, 'active', now(), $3)`,
    [email, roles, await hashPassword(BENCH_PASSWORD)],
  );
}

/** An integration (`bench`, client credentials) allowed `scopes`, and an access token it got for them. */
export async function integrationToken(baseUrl: string, dbUrl: string, scopes: string[]): Promise<string> {
  await sql(
    dbUrl,
    `insert into oauth_clients (client_id, name, type, grant_types, scopes, secret_hash)
     values ('bench', 'Bench', 'confidential', '{client_credentials}', $1, $2)`,
    [scopes, hashClientSecret(BENCH_SECRET)],
  );
  const token = await fetch(`${baseUrl}/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`bench:${BENCH_SECRET}`).toString('base64')}`,
    },
    body: `grant_type=client_credentials&scope=${encodeURIComponent(scopes.join(' '))}`,
  });
  if (token.status !== 200) throw new Error(`token request failed: ${await token.text()}`);
  return (await token.json()).access_token as string;
}
