import { createPublicKey, type JsonWebKey, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { REDIRECT_URI, registerTestClient, tokenRequest } from '../support/oauth.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ env: { PUBLIC_URL: 'http://localhost:3000' } });
});
afterAll(() => t.close());

const issuer = 'http://localhost:3000/oauth';

describe('the authorization server at /oauth', () => {
  it('publishes discovery: S256-only PKCE, no password grant, our JWKS', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/oauth/.well-known/openid-configuration' });
    expect(res.statusCode).toBe(200);
    const meta = res.json();
    expect(meta.issuer).toBe(issuer);
    expect(meta.jwks_uri).toBe(`${issuer}/jwks`);
    expect(meta.token_endpoint).toBe(`${issuer}/token`);
    expect(meta.code_challenge_methods_supported).toEqual(['S256']);
    expect(meta.grant_types_supported).toEqual(
      expect.arrayContaining(['authorization_code', 'client_credentials', 'refresh_token']),
    );
    expect(meta.grant_types_supported).not.toContain('password');
    // The authorization code flow only (RFC 9700 section 2.1.2: no implicit grant, no tokens in the front channel).
    expect(meta.response_types_supported).toEqual(['code']);
    expect(meta.grant_types_supported).not.toContain('implicit');
    expect(meta.introspection_endpoint).toBe(`${issuer}/token/introspection`);
    expect(meta.revocation_endpoint).toBe(`${issuer}/token/revocation`);
    // Written by the provider itself, yet with the app's security headers and request id.
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-request-id']).toEqual(expect.any(String));
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('refuses implicit and hybrid requests as unsupported, handing out no token', async () => {
    const { clientId } = await registerTestClient(t);
    for (const responseType of ['id_token', 'code id_token', 'token']) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/oauth/auth?${new URLSearchParams({
          client_id: clientId,
          response_type: responseType,
          redirect_uri: REDIRECT_URI,
          scope: 'openid',
          nonce: 'n-1',
          state: 's-1',
        })}`,
      });
      const location = String(res.headers.location ?? '');
      expect(location, responseType).not.toMatch(/id_token=|access_token=|code=/);
      expect(`${location} ${res.body}`, responseType).toMatch(/unsupported_response_type|not supported/);
    }
  });

  it('issues a client-credentials access token as an RFC 9068 JWT signed with the current key', async () => {
    const { clientId, secret } = await registerTestClient(t, {
      type: 'confidential',
      grantTypes: ['client_credentials'],
      redirectUris: [],
      scopes: ['tickets:read'],
    });
    const basic = Buffer.from(`${clientId}:${secret}`).toString('base64');
    const res = await t.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'grant_type=client_credentials&scope=tickets:read',
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 600, scope: 'tickets:read' });
    const [header, payload, signature] = (body.access_token as string).split('.') as [string, string, string];
    const head = JSON.parse(Buffer.from(header, 'base64url').toString());
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    expect(head).toMatchObject({ alg: 'EdDSA', typ: 'at+jwt' });
    expect(claims).toMatchObject({
      iss: issuer,
      aud: 'http://localhost:3000/api',
      client_id: clientId,
      sub: clientId,
      scope: 'tickets:read',
    });
    expect(claims.exp - claims.iat).toBe(600);
    expect(claims.jti).toEqual(expect.any(String));

    const { keys } = (await t.app.inject({ method: 'GET', url: '/oauth/jwks' })).json() as {
      keys: (JsonWebKey & { kid: string })[];
    };
    const jwk = keys.find((k) => k.kid === head.kid)!;
    const ok = verify(
      null,
      Buffer.from(`${header}.${payload}`),
      createPublicKey({ key: jwk, format: 'jwk' }),
      Buffer.from(signature, 'base64url'),
    );
    expect(ok).toBe(true);

    const wrong = await t.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: {
        authorization: `Basic ${Buffer.from(`${clientId}:wrong`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: 'grant_type=client_credentials',
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error).toBe('invalid_client');
    const password = await t.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'grant_type=password&username=a&password=b',
    });
    expect(password.json().error).toBe('unsupported_grant_type');
  });

  it('gives an integration exactly the scopes it was registered with, and the API holds it to them', async () => {
    const { clientId, secret } = await registerTestClient(t, {
      type: 'confidential',
      grantTypes: ['client_credentials'],
      redirectUris: [],
      scopes: ['users:read'],
    });
    const basic = { id: clientId, secret: secret! };
    const beyond = await tokenRequest(
      t.app,
      { grant_type: 'client_credentials', scope: 'audit:read' },
      basic,
    );
    expect(beyond.statusCode).toBe(400);
    expect(beyond.json().error).toBe('invalid_scope');

    const issued = await tokenRequest(
      t.app,
      { grant_type: 'client_credentials', scope: 'users:read' },
      basic,
    );
    expect(issued.statusCode, issued.body).toBe(200);
    const bearer = { authorization: `Bearer ${issued.json().access_token}` };
    const call = (url: string) => t.app.inject({ method: 'GET', url, headers: bearer });

    const users = await call('/api/v1/admin/users');
    expect(users.statusCode, users.body).toBe(200);
    expect(Array.isArray(users.json().items)).toBe(true);
    const audit = await call('/api/v1/admin/audit');
    expect(audit.statusCode).toBe(403);
    expect(audit.json().detail).toContain('audit:read');
    // No person behind it: the account endpoints are not for it.
    expect((await call('/api/v1/me')).statusCode).toBe(403);
    // A garbage token is a 401 with the RFC 6750 challenge.
    const garbage = await t.app.inject({
      method: 'GET',
      url: '/api/v1/admin/users',
      headers: { authorization: 'Bearer not-a-jwt' },
    });
    expect(garbage.statusCode).toBe(401);
    expect(garbage.headers['www-authenticate']).toContain('error="invalid_token"');

    // The administrator narrows the registration: the token loses what was removed at once.
    await t.platform.database.db
      .updateTable('oauth_clients')
      .set({ scopes: [] })
      .where('client_id', '=', clientId)
      .execute();
    expect((await call('/api/v1/admin/users')).statusCode).toBe(403);
  });

  it('documents the security schemes in OpenAPI, and which scope opens each route', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const { oauth2, session } = doc.components.securitySchemes;
    expect(session).toMatchObject({ type: 'apiKey', in: 'cookie' });
    expect(oauth2.flows.authorizationCode).toMatchObject({
      authorizationUrl: `${issuer}/auth`,
      tokenUrl: `${issuer}/token`,
    });
    expect(Object.keys(oauth2.flows.clientCredentials.scopes)).toContain('users:read');
    expect(doc.paths['/api/v1/admin/users'].get.security).toEqual([
      { session: [] },
      { oauth2: ['users:read'] },
    ]);
    expect(doc.paths['/api/v1/me'].get.security).toEqual([{ session: [] }, { oauth2: ['account:read'] }]);
    expect(doc.paths['/api/v1/me/password'].post.security).toEqual([{ session: [] }]);
    expect(doc.paths['/api/v1/instance'].get.security).toEqual([]);
  });
});
