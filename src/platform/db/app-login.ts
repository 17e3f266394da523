import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';

/**
 * The app's pool logs in as the app role itself, not as the owner that then switches roles: a
 * session whose login is the owner (or a superuser) gets its rights back with RESET ROLE or SET
 * SESSION AUTHORIZATION, so one SQL injection would escape row-level security. Logged in as
 * `switchboard_app` (no superuser, owns nothing, a member of no other role) there is nothing
 * higher to go back to.
 */
export const APP_ROLE = 'switchboard_app';

/** The app role's password, derived from SECRET_KEY so every node agrees on it with no new setting. */
export const appRolePassword = (secretKey: string): string =>
  createHmac('sha256', secretKey).update('switchboard database app role login').digest('base64url');

/** `url` with the app role's login in place of the owner's (same server, database and options). */
export function appRoleUrl(url: string, secretKey: string | undefined): string {
  const parsed = new URL(url);
  parsed.username = APP_ROLE;
  // Without SECRET_KEY only a server that trusts the connection (tests, a local socket) lets it in.
  parsed.password = secretKey ? appRolePassword(secretKey) : '';
  return parsed.toString();
}

/**
 * A SCRAM-SHA-256 verifier for `password` (RFC 5802 section 3, RFC 7677; PostgreSQL's own format
 * and 4,096 iterations). ALTER ROLE stores a verifier as is, so the password itself never reaches
 * the server, its statement log or pg_stat_statements.
 */
export function scramVerifier(password: string, salt = randomBytes(16), iterations = 4096): string {
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest('base64');
  const serverKey = createHmac('sha256', salted).update('Server Key').digest('base64');
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey}:${serverKey}`;
}

// The salt comes from SECRET_KEY too, so every node (and every run) writes the same verifier and
// a current one is left alone.
const verifierFor = (secretKey: string) =>
  scramVerifier(
    appRolePassword(secretKey),
    createHmac('sha256', secretKey).update('salt').digest().subarray(0, 16),
  );

/** The statement that lets the app role log in with the password SECRET_KEY gives it. */
export const appRoleLoginStatement = (secretKey: string): string =>
  `alter role ${APP_ROLE} with login password '${verifierFor(secretKey)}'`;

/** Whether the role already logs in with this verifier (only a superuser may read pg_authid). */
async function loginIsCurrent(
  // biome-ignore lint/suspicious/noExplicitAny: any schema (it touches only the catalogue)
  db: Kysely<any>,
  secretKey: string,
): Promise<boolean> {
  const { rows } = await sql<{ current: boolean }>`
    select coalesce((select rolcanlogin and rolpassword = ${verifierFor(secretKey)} from pg_authid
      where rolname = ${APP_ROLE}), false) as current
    where exists (select 1 from pg_roles where rolname = current_user and rolsuper)`.execute(db);
  return rows[0]?.current === true;
}

/**
 * Run by migrations as the owner: the app role may log in, with the password SECRET_KEY gives it.
 * Needs a superuser or an owner allowed to alter the role (CREATEROLE, PostgreSQL ≥ 16: the role
 * it created); otherwise the error says what a superuser must run once.
 */
export async function grantAppRoleLogin(
  // biome-ignore lint/suspicious/noExplicitAny: any schema (it touches only the catalogue)
  db: Kysely<any>,
  secretKey: string,
): Promise<void> {
  if (await loginIsCurrent(db, secretKey)) return;
  try {
    await sql.raw(appRoleLoginStatement(secretKey)).execute(db);
  } catch (error) {
    // Roles belong to the cluster: two databases migrating at once may race on the same row.
    if ((error as Error).message === 'tuple concurrently updated') return;
    if ((error as { code?: string }).code !== '42501') throw error;
    throw new Error(
      `The database user may not let ${APP_ROLE} log in. Have a superuser run once the statement ` +
        '`switchboard db app-role` prints (it holds no password, only its SCRAM verifier).',
    );
  }
}
