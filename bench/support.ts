import pg from 'pg';
import { type Started, startListening } from './processes.js';

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
export const startServer = (env: Record<string, string>): Promise<Started> =>
  startListening(process.execPath, SERVE, {
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
    HOST: '127.0.0.1',
    PORT: '0',
    ENV_FILE: '/nonexistent',
    ...env,
  });

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
