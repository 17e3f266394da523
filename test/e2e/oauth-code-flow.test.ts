/// <reference lib="dom" />
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import { describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../support/accounts.js';
import { createUser, signInAs } from '../support/actors.js';
import { useServedAppInBrowser, watchProblems } from '../support/browser.js';
import { registerTestClient } from '../support/oauth.js';
import { totpCode } from '../support/totp.js';

const suite = useServedAppInBrowser();

describe('an app signs a user in with authorization code + PKCE (openid-client, Chromium)', () => {
  it('goes through the sign-in page with TOTP and the consent page, then calls the API with the token', async () => {
    const { served, browser } = suite;
    // A customer with an authenticator app, enrolled through the API.
    const user = await createUser(served, ['customer']);
    const api = await signInAs(served.app, user.email);
    const setup = (await api.post('/api/v1/me/mfa/totp')).json();
    const enrolledAt = Date.now();
    const confirmed = await api.post('/api/v1/me/mfa/totp/confirm', {
      factorId: setup.factorId,
      code: totpCode(setup.secret, enrolledAt),
    });
    expect(confirmed.statusCode).toBe(200);

    // The app's own callback: a real server on another port, which records what it was sent.
    let callback: string | undefined;
    // Only the callback is recorded: Chromium also asks this origin for /favicon.ico once the
    // page has loaded, and that request must not overwrite the authorization response.
    const appServer = createServer((req, res) => {
      if (req.url?.startsWith('/callback')) callback = `http://${req.headers.host}${req.url}`;
      res.writeHead(200, { 'content-type': 'text/html' }).end('<p>back in the app</p>');
    });
    await new Promise<void>((resolve) => appServer.listen(0, '127.0.0.1', resolve));
    const REDIRECT_URI = `http://127.0.0.1:${(appServer.address() as AddressInfo).port}/callback`;
    const { clientId } = await registerTestClient(served, {
      name: 'Reporting dashboard',
      redirectUris: [REDIRECT_URI],
    });
    const config = await oidc.discovery(
      new URL(`${served.baseUrl}/oauth`),
      clientId,
      { id_token_signed_response_alg: 'EdDSA' },
      oidc.None(),
      { execute: [oidc.allowInsecureRequests] },
    );
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const authorizationUrl = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid email account:read tickets:read',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });

    const page = await browser.newPage();
    const problems = await watchProblems(page);

    await page.goto(authorizationUrl.href);
    await page.waitForURL(`${served.baseUrl}/login`);
    await page.fill('#field-email', user.email);
    await page.fill('#field-password', TEST_PASSWORD);
    await page.click('button:has-text("Sign in")');
    await page.waitForURL(`${served.baseUrl}/mfa`);
    await page.fill('#field-code', totpCode(setup.secret, enrolledAt + 30_000));
    await page.click('button:has-text("Continue")');

    // Back to the app's request: the consent page, in the site's layout.
    await page.waitForSelector('[data-testid="consent"]');
    const consent = (await page.locator('main').textContent()) ?? '';
    expect(consent).toContain('Reporting dashboard');
    expect(consent).toContain(user.email);
    expect(consent).toContain('Read tickets you may see');
    await page.click('button:has-text("Allow")');
    await page.waitForURL(`${REDIRECT_URI}**`);
    expect(callback).toBeDefined();

    const tokens = await oidc.authorizationCodeGrant(config, new URL(callback!), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    expect(tokens.claims()?.sub).toBe(user.id);
    expect(tokens.claims()?.email).toBe(user.email);
    expect(tokens.refresh_token).toEqual(expect.any(String));

    const me = await fetch(`${served.baseUrl}/api/v1/me`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(me.status).toBe(200);
    expect((await me.json()).email).toBe(user.email);

    // The refresh token works through the real client too, and rotates.
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);

    // The user finds the app under Connected apps and disconnects it (after confirming).
    await page.goto(`${served.baseUrl}/account/apps`);
    await expect(page.locator(`[data-testid="app-${clientId}"]`).textContent()).resolves.toContain(
      'Reporting dashboard',
    );
    page.once('dialog', (dialog) => dialog.accept());
    await page.click(`[data-testid="app-${clientId}"] button:has-text("Disconnect")`);
    await page.waitForSelector('text=can no longer use your account');
    await expect(oidc.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toThrow();
    const after = await fetch(`${served.baseUrl}/api/v1/me`, {
      headers: { authorization: `Bearer ${refreshed.access_token}` },
    });
    expect(after.status).toBe(401);

    expect(problems.csp).toEqual([]);
    expect(problems.console).toEqual([]);
    await page.close();
    appServer.close();
  }, 60_000);
});
