import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFRESH_REUSE_GRACE_MS } from '../../src/modules/oauth/provider/adapter.js';
import { TEST_PASSWORD } from '../support/accounts.js';
import { createUser, signInAs } from '../support/actors.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { issueTokens, registerTestClient, tokenRequest, withToken } from '../support/oauth.js';

const PUBLIC_URL = 'http://localhost:3000';
let t: TestApp;
let clientId: string;

beforeAll(async () => {
  t = await buildTestApp({ env: { PUBLIC_URL } });
  ({ clientId } = await registerTestClient(t));
});
afterAll(() => t.close());

async function signedInTokens() {
  const user = await createUser(t, ['customer']);
  const browser = await signInAs(t.app, user.email);
  return { user, browser, tokens: await issueTokens(t.app, browser, PUBLIC_URL, clientId) };
}
const refresh = (refreshToken: string) =>
  tokenRequest(t.app, { grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken });
/** Moves a used refresh token's first use back past the reuse grace (RFC 9700 section 4.14.2). */
const pastGrace = (refreshToken: string) =>
  t.platform.database.db
    .updateTable('oauth_store')
    .set({ consumed_at: new Date(Date.now() - REFRESH_REUSE_GRACE_MS - 1000) })
    .where('model', '=', 'RefreshToken')
    .where('id', '=', refreshToken)
    .execute();

describe('refresh tokens', () => {
  it('rotate on every use; presenting a used one revokes the whole grant', async () => {
    const { tokens } = await signedInTokens();
    const first = await refresh(tokens.refresh_token);
    expect(first.statusCode, first.body).toBe(200);
    const second = first.json();
    expect(second.refresh_token).toEqual(expect.any(String));
    expect(second.refresh_token).not.toBe(tokens.refresh_token);
    expect(second.access_token).not.toBe(tokens.access_token);
    expect((await withToken(t.app, second.access_token)).statusCode).toBe(200);

    const third = await refresh(second.refresh_token);
    expect(third.statusCode).toBe(200);
    const newest = third.json();

    // Someone replays the token that was already exchanged, after the grace: the grant is revoked…
    await pastGrace(second.refresh_token);
    const replay = await refresh(second.refresh_token);
    expect(replay.statusCode).toBe(400);
    expect(replay.json().error).toBe('invalid_grant');
    // …so the newest refresh token stops working, and so do access tokens of the grant.
    expect((await refresh(newest.refresh_token)).json().error).toBe('invalid_grant');
    const api = await withToken(t.app, newest.access_token);
    expect(api.statusCode).toBe(401);
    expect(api.json().detail).toMatch(/revoked/);
  });

  it('two concurrent refreshes with the same token both get a fresh pair, and the user stays signed in', async () => {
    for (let round = 0; round < 5; round++) {
      const { tokens } = await signedInTokens();
      const results = await Promise.all([refresh(tokens.refresh_token), refresh(tokens.refresh_token)]);
      expect(
        results.map((r) => r.statusCode),
        results.map((r) => r.body).join('\n'),
      ).toEqual([200, 200]);
      const pairs = results.map((r) => r.json() as { access_token: string; refresh_token: string });
      expect(pairs[0]!.refresh_token).not.toBe(pairs[1]!.refresh_token);
      for (const pair of pairs) {
        expect((await withToken(t.app, pair.access_token)).statusCode).toBe(200);
        expect((await refresh(pair.refresh_token)).statusCode).toBe(200);
      }
    }
  });

  it('a used token presented again within the grace gets a fresh pair; after it, the whole family is revoked', async () => {
    const { tokens } = await signedInTokens();
    const first = (await refresh(tokens.refresh_token)).json();
    const retry = await refresh(tokens.refresh_token);
    expect(retry.statusCode, retry.body).toBe(200);
    const second = retry.json();
    expect((await withToken(t.app, second.access_token)).statusCode).toBe(200);
    await pastGrace(tokens.refresh_token);
    const reuse = await refresh(tokens.refresh_token);
    expect(reuse.json().error).toBe('invalid_grant');
    for (const pair of [first, second]) {
      expect((await refresh(pair.refresh_token)).json().error).toBe('invalid_grant');
      expect((await withToken(t.app, pair.access_token)).statusCode).toBe(401);
    }
  });

  it('the grace starts at the first use and is not stretched by retries within it', async () => {
    const { tokens } = await signedInTokens();
    expect((await refresh(tokens.refresh_token)).statusCode).toBe(200);
    const firstUse = await t.platform.database.db
      .selectFrom('oauth_store')
      .select('consumed_at')
      .where('model', '=', 'RefreshToken')
      .where('id', '=', tokens.refresh_token)
      .executeTakeFirstOrThrow();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await refresh(tokens.refresh_token)).statusCode).toBe(200);
    const after = await t.platform.database.db
      .selectFrom('oauth_store')
      .select('consumed_at')
      .where('model', '=', 'RefreshToken')
      .where('id', '=', tokens.refresh_token)
      .executeTakeFirstOrThrow();
    expect(after.consumed_at).toEqual(firstUse.consumed_at);
  });
});

describe('revocation', () => {
  it('the revocation endpoint (RFC 7009) revokes a refresh token and its grant', async () => {
    const { tokens } = await signedInTokens();
    const res = await tokenRequest(
      t.app,
      { token: tokens.refresh_token, token_type_hint: 'refresh_token', client_id: clientId },
      undefined,
      '/oauth/token/revocation',
    );
    expect(res.statusCode).toBe(200);
    expect((await refresh(tokens.refresh_token)).json().error).toBe('invalid_grant');
    expect((await withToken(t.app, tokens.access_token)).statusCode).toBe(401);
  });

  it('signing out revokes the user’s grants', async () => {
    const { browser, tokens } = await signedInTokens();
    expect((await browser.post('/api/v1/auth/logout')).statusCode).toBe(204);
    expect((await refresh(tokens.refresh_token)).json().error).toBe('invalid_grant');
    expect((await withToken(t.app, tokens.access_token)).statusCode).toBe(401);
  });

  it('a password change revokes the user’s grants', async () => {
    const { browser, tokens } = await signedInTokens();
    const change = await browser.post('/api/v1/me/password', {
      currentPassword: TEST_PASSWORD,
      newPassword: 'a-brand-new-passphrase-77',
    });
    expect(change.statusCode, change.body).toBeLessThan(300);
    expect((await refresh(tokens.refresh_token)).json().error).toBe('invalid_grant');
    expect((await withToken(t.app, tokens.access_token)).statusCode).toBe(401);
  });

  it('a disabled account’s tokens are refused at once', async () => {
    const { user, tokens } = await signedInTokens();
    await t.platform.database.db
      .updateTable('users')
      .set({ status: 'disabled' })
      .where('id', '=', user.id)
      .execute();
    const api = await withToken(t.app, tokens.access_token);
    expect(api.statusCode).toBe(401);
    expect(api.json().detail).toMatch(/not active/);
  });

  it('users see the apps they authorised and disconnect them', async () => {
    const { browser, tokens } = await signedInTokens();
    const list = await browser.get('/api/v1/me/apps');
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toEqual([
      expect.objectContaining({
        clientId,
        name: 'Test app',
        scopes: expect.arrayContaining(['account:read', 'tickets:read', 'openid']),
      }),
    ]);
    expect((await browser.delete(`/api/v1/me/apps/${clientId}`)).statusCode).toBe(204);
    expect((await browser.get('/api/v1/me/apps')).json().items).toEqual([]);
    expect((await refresh(tokens.refresh_token)).json().error).toBe('invalid_grant');
    expect((await withToken(t.app, tokens.access_token)).statusCode).toBe(401);
  });
});
