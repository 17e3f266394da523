import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresAdapter } from '../../src/modules/oauth/provider/adapter.js';
import { TEST_PASSWORD } from '../support/accounts.js';
import { createUser, signInAs } from '../support/actors.js';
import { buildTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

/** A grant the user gave an app, with a refresh token, as oidc-provider stores them. */
async function grantFor(userId: string, id: string) {
  await new PostgresAdapter(t.platform.database.db, 'Grant').upsert(
    id,
    { jti: id, accountId: userId, clientId: 'app' },
    3600,
  );
  await new PostgresAdapter(t.platform.database.db, 'RefreshToken').upsert(
    `rt-${id}`,
    { jti: `rt-${id}`, grantId: id },
    3600,
  );
}
const exists = async (id: string) =>
  (await new PostgresAdapter(t.platform.database.db, 'Grant').find(id)) !== undefined &&
  (await new PostgresAdapter(t.platform.database.db, 'RefreshToken').find(`rt-${id}`)) !== undefined;

describe('a user’s grants to apps', () => {
  it('are revoked, with their refresh tokens, on logout and on password change; other users’ stay', async () => {
    const [me, other] = [await createUser(t, ['customer']), await createUser(t, ['customer'])];
    await grantFor(other.id, 'g-other');

    await grantFor(me.id, 'g-logout');
    const session = await signInAs(t.app, me.email);
    expect(await exists('g-logout')).toBe(true);
    expect((await session.post('/api/v1/auth/logout')).statusCode).toBe(204);
    expect(await exists('g-logout')).toBe(false);

    await grantFor(me.id, 'g-password');
    const again = await signInAs(t.app, me.email);
    const changed = await again.post('/api/v1/me/password', {
      currentPassword: TEST_PASSWORD,
      newPassword: 'a-brand-new-passphrase-77',
    });
    expect(changed.statusCode).toBe(200);
    expect(await exists('g-password')).toBe(false);

    expect(await exists('g-other')).toBe(true);
  });
});
