import { insertUser } from '../../src/identity/users/repo.js';
import { hashPassword } from '../../src/modules/auth/passwords/hash.js';
import { TEST_PASSWORD } from './accounts.js';
import type { TestApp } from './app.js';
import { SessionClient } from './session-client.js';

let hashed: Promise<string> | undefined;
let n = 0;

/** An active, verified user holding `roles`, made directly in the database (fast, no mail). */
export async function createUser(t: TestApp, roles: string[], prefix = roles[0] ?? 'user') {
  hashed ??= hashPassword(TEST_PASSWORD);
  const user = await insertUser(t.platform.database.db, {
    email: `${prefix}${++n}-${Date.now()}@example.com`,
    display_name: `${prefix} ${n}`,
    roles,
    status: 'active',
    email_verified_at: new Date(),
    password_hash: await hashed,
  });
  return user!;
}

/** Signs in through the API like a browser would; needs MFA_REQUIRED_ROLES=none for staff roles. */
export async function signInAs(app: TestApp['app'], email: string): Promise<SessionClient> {
  const client = await new SessionClient(app).start();
  const res = await client.post('/api/v1/auth/login', { email, password: TEST_PASSWORD });
  if (res.statusCode !== 200 || res.json().mfa !== 'done') throw new Error(`sign-in failed: ${res.body}`);
  return client;
}

/** A new user holding `roles`, signed in: their id and their browser. */
export async function createSignedIn(t: TestApp, roles: string[]) {
  const user = await createUser(t, roles);
  return { id: user.id, client: await signInAs(t.app, user.email) };
}
