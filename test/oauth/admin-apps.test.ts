import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, signInAs } from '../support/actors.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { tokenRequest } from '../support/oauth.js';
import type { SessionClient } from '../support/session-client.js';

let t: TestApp;
let admin: SessionClient;
beforeAll(async () => {
  t = await buildTestApp({ env: { MFA_REQUIRED_ROLES: 'none', PUBLIC_URL: 'http://localhost:3000' } });
  admin = await signInAs(t.app, (await createUser(t, ['admin'])).email);
});
afterAll(() => t.close());

const secretIn = (html: string) => /data-testid="client-secret">([^<]+)</.exec(html)?.[1];
const clientIdIn = (html: string) => /data-testid="client-id">([^<]+)</.exec(html)?.[1];
const credentials = (id: string, secret: string) =>
  tokenRequest(t.app, { grant_type: 'client_credentials', scope: 'tickets:read' }, { id, secret });

describe('Admin → Apps', () => {
  it('registers an integration, shows its secret once, rotates it and deletes the app', async () => {
    expect((await admin.get('/admin/apps')).body).toContain('Register an app');
    const created = await admin.post('/admin/apps', {
      name: 'Nightly export',
      type: 'confidential',
      grantTypes: 'client_credentials',
      scopes: ['tickets:read', 'users:read'],
      redirectUris: '',
    });
    expect(created.statusCode, created.body).toBe(200);
    const clientId = clientIdIn(created.body)!;
    const secret = secretIn(created.body)!;
    expect(secret).toMatch(/^sbcs_/);
    expect((await credentials(clientId, secret)).statusCode).toBe(200);
    // Only a hash is kept, and the page never shows the secret again.
    const stored = await t.platform.database.db
      .selectFrom('oauth_clients')
      .select('secret_hash')
      .where('client_id', '=', clientId)
      .executeTakeFirstOrThrow();
    expect(stored.secret_hash).not.toContain(secret);
    const page = await admin.get(`/admin/apps/${clientId}`);
    expect(page.statusCode).toBe(200);
    expect(secretIn(page.body)).toBeUndefined();
    expect((await admin.get('/admin/apps')).body).toContain('Nightly export');

    const rotated = await admin.post(`/admin/apps/${clientId}/secret`, {});
    const fresh = secretIn(rotated.body)!;
    expect(fresh).not.toBe(secret);
    expect((await credentials(clientId, secret)).json().error).toBe('invalid_client');
    expect((await credentials(clientId, fresh)).statusCode).toBe(200);

    const deleted = await admin.post(`/admin/apps/${clientId}/delete`, {});
    expect(deleted.body).toContain('Nightly export was deleted.');
    expect((await credentials(clientId, fresh)).json().error).toBe('invalid_client');
    expect((await admin.get(`/admin/apps/${clientId}`)).statusCode).toBe(404);
  });

  it('explains what is wrong with a registration and keeps what was typed', async () => {
    const res = await admin.post('/admin/apps', {
      name: 'Portal',
      type: 'public',
      grantTypes: ['authorization_code', 'client_credentials'],
      scopes: 'tickets:read',
      redirectUris: 'http://portal.example.com/callback',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('cannot use client credentials');
    expect(res.body).toContain('Portal');
    expect(
      await t.platform.database.db
        .selectFrom('oauth_clients')
        .select('client_id')
        .where('name', '=', 'Portal')
        .execute(),
    ).toEqual([]);

    const api = await admin.post('/api/v1/oauth/clients', {
      name: 'Portal',
      type: 'public',
      grantTypes: ['authorization_code'],
      scopes: ['tickets:read'],
      redirectUris: ['https://portal.example.com/callback#frag'],
    });
    expect(api.statusCode).toBe(400);
    expect(api.headers['content-type']).toContain('application/problem+json');
    expect(api.json().errors[0]).toMatchObject({ pointer: '/body/redirectUris' });
  });

  it('is closed to everyone without oauth_clients:manage', async () => {
    const agent = await signInAs(t.app, (await createUser(t, ['agent'])).email);
    expect((await agent.get('/admin/apps')).statusCode).toBe(403);
  });

  it('speaks Dutch to a Dutch browser, in the admin pages and the provider’s own', async () => {
    const nl = { accept: 'text/html', 'accept-language': 'nl-NL,nl;q=0.9' };
    const list = await admin.request('GET', '/admin/apps', undefined, nl);
    expect(list.body).toContain('<html lang="nl"');
    expect(list.body).toContain('App registreren');
    expect(list.body).toContain('Tickets lezen die jij mag zien');
    const failed = await admin.request(
      'GET',
      '/oauth/auth?client_id=nobody&response_type=code',
      undefined,
      nl,
    );
    expect(failed.body).toContain('<html lang="nl"');
    expect(failed.body).toContain('Dit inlogverzoek kan niet verder');
  });
});
