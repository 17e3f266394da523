import type { TestApp } from './app.js';
import { mailTo, tokenFrom } from './outbox.js';
import { SessionClient } from './session-client.js';

export const TEST_PASSWORD = 'tangerine-orbit-41';
let n = 0;

/** Signs up through the API and confirms the address from the outbox mail; returns the email. */
export async function createVerifiedAccount(
  t: TestApp,
  prefix = 'user',
  password = TEST_PASSWORD,
): Promise<string> {
  const email = `${prefix}${++n}-${Date.now()}@example.com`;
  const client = await new SessionClient(t.app).start();
  const signup = await client.post('/api/v1/auth/signup', {
    email,
    password,
    displayName: 'Katherine Johnson',
  });
  if (signup.statusCode !== 202) throw new Error(`sign-up failed: ${signup.body}`);
  const [mail] = await mailTo(t, email);
  const verified = await client.post('/api/v1/auth/verify-email', {
    token: tokenFrom(mail!, '/auth/verify'),
  });
  if (verified.statusCode >= 300) throw new Error(`verification failed: ${verified.body}`);
  return email;
}
