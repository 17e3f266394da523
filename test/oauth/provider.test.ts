import { createPublicKey, type JsonWebKey, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresAdapter } from '../../src/modules/oauth/provider/adapter.js';
import { buildTestApp, type TestApp } from '../support/app.js';

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
    expect(meta.introspection_endpoint).toBe(`${issuer}/token/introspection`);
    expect(meta.revocation_endpoint).toBe(`${issuer}/token/revocation`);
  });

  it('issues a client-credentials access token as an RFC 9068 JWT signed with the current key', async () => {
    await new PostgresAdapter(t.platform.database.db, 'Client').upsert(
      'integration-1',
      {
        client_id: 'integration-1',
        client_secret: 'a-long-random-client-secret-for-tests-0123456789',
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: 'api',
      },
      0,
    );
    const basic = Buffer.from('integration-1:a-long-random-client-secret-for-tests-0123456789').toString(
      'base64',
    );
    const res = await t.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'grant_type=client_credentials&scope=api',
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 600, scope: 'api' });
    const [header, payload, signature] = (body.access_token as string).split('.') as [string, string, string];
    const head = JSON.parse(Buffer.from(header, 'base64url').toString());
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    expect(head).toMatchObject({ alg: 'EdDSA', typ: 'at+jwt' });
    expect(claims).toMatchObject({
      iss: issuer,
      aud: 'http://localhost:3000/api',
      client_id: 'integration-1',
      scope: 'api',
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
        authorization: `Basic ${Buffer.from('integration-1:wrong').toString('base64')}`,
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
});
