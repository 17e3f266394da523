import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, signInAs } from '../support/actors.js';
import { buildTestApp, type TestApp } from '../support/app.js';

const env = { MFA_REQUIRED_ROLES: 'none' };

describe('a role change on two app instances sharing PostgreSQL and Redis', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await buildTestApp({ redis: true, env });
    // Same database, same Redis prefix: two nodes of one deployment.
    b = await buildTestApp({
      redis: true,
      database: a.database,
      env: { ...env, REDIS_PREFIX: a.config.REDIS_PREFIX },
    });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('takes effect on the very next request, on the other node, without a restart', async () => {
    const admin = await createUser(a, ['admin']);
    const user = await createUser(a, ['customer']);
    const adminOnA = await signInAs(a.app, admin.email);
    const userOnB = await signInAs(b.app, user.email);

    // Warm node B's cache with the old graph.
    expect((await userOnB.get('/api/v1/admin/roles')).statusCode).toBe(403);
    expect((await userOnB.get('/api/v1/me/permissions')).json().permissions).not.toContain('audit:read');

    // A custom role granting the audit log, given to the user on node A…
    const created = await adminOnA.post('/api/v1/admin/roles', {
      name: 'auditor',
      parent: 'customer',
      description: 'Reads the audit log',
      permissions: ['audit:read'],
    });
    expect(created.statusCode).toBe(201);
    const granted = await adminOnA.request('PUT', `/api/v1/admin/users/${user.id}/roles`, {
      roles: ['auditor'],
    });
    expect(granted.json().roles).toEqual(['auditor']);
    // …shows on node B at once, with the inherited customer permissions.
    const mine = (await userOnB.get('/api/v1/me/permissions')).json();
    expect(mine.roles).toEqual(['auditor']);
    expect(mine.permissions).toEqual(expect.arrayContaining(['audit:read', 'tickets:read:own']));
    expect((await userOnB.get('/api/v1/admin/roles')).statusCode).toBe(403);

    // Editing the role's permissions on A (role graph cached on B) applies on B's next request.
    const patched = await adminOnA.request('PATCH', '/api/v1/admin/roles/auditor', {
      permissions: ['audit:read', 'roles:manage'],
    });
    expect(patched.statusCode).toBe(204);
    expect((await userOnB.get('/api/v1/admin/roles')).statusCode).toBe(200);

    // And taking it away again.
    await adminOnA.request('PATCH', '/api/v1/admin/roles/auditor', { permissions: ['audit:read'] });
    expect((await userOnB.get('/api/v1/admin/roles')).statusCode).toBe(403);
  });
});

describe('the role editor', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ env });
  });
  afterAll(() => t?.close());

  it('inherits down the chain and refuses cycles, unknown permissions and in-use deletions', async () => {
    const admin = await signInAs(t.app, (await createUser(t, ['admin'])).email);
    const roles = (await admin.get('/api/v1/admin/roles')).json() as {
      name: string;
      effectivePermissions: string[];
    }[];
    const effective = Object.fromEntries(roles.map((r) => [r.name, r.effectivePermissions]));
    expect(effective.agent).toEqual(
      expect.arrayContaining(['tickets:read:own', 'tickets:priority', 'tickets:read:any']),
    );
    expect(effective.customer).not.toContain('tickets:read:any');
    expect(effective.admin).toEqual(expect.arrayContaining([...effective.agent!, 'roles:manage']));

    expect((await admin.post('/api/v1/admin/roles', { name: 'team-lead', parent: 'agent' })).statusCode).toBe(
      201,
    );
    expect((await admin.post('/api/v1/admin/roles', { name: 'team-lead', parent: 'agent' })).statusCode).toBe(
      409,
    );
    const sub = await admin.post('/api/v1/admin/roles', { name: 'night-shift', parent: 'team-lead' });
    expect(sub.statusCode).toBe(201);
    const cycle = await admin.request('PATCH', '/api/v1/admin/roles/team-lead', { parent: 'night-shift' });
    expect(cycle.statusCode).toBe(409);
    expect(cycle.json().detail).toBe(
      'night-shift inherits from team-lead; a role cannot inherit from itself.',
    );
    const typo = await admin.request('PATCH', '/api/v1/admin/roles/team-lead', {
      permissions: ['tickets:delete:any'],
    });
    expect(typo.statusCode).toBe(400);
    expect(typo.json().detail).toBe('Unknown permission tickets:delete:any.');
    expect((await admin.request('DELETE', '/api/v1/admin/roles/agent')).json().detail).toBe(
      'Built-in roles cannot be deleted.',
    );
    expect((await admin.request('DELETE', '/api/v1/admin/roles/team-lead')).statusCode).toBe(409);
    const holder = await createUser(t, ['night-shift']);
    expect((await admin.request('DELETE', '/api/v1/admin/roles/night-shift')).json().detail).toBe(
      '1 user(s) still hold night-shift; give them another role first.',
    );
    await admin.request('PUT', `/api/v1/admin/users/${holder.id}/roles`, { roles: ['agent'] });
    expect((await admin.request('DELETE', '/api/v1/admin/roles/night-shift')).statusCode).toBe(204);
  });

  it('keeps an administrator: the last one cannot lose the role, and admin keeps role management', async () => {
    const t2 = await buildTestApp({ env });
    try {
      const only = await createUser(t2, ['admin']);
      const admin = await signInAs(t2.app, only.email);
      const demote = await admin.request('PUT', `/api/v1/admin/users/${only.id}/roles`, { roles: ['agent'] });
      expect(demote.statusCode).toBe(409);
      const strip = await admin.request('PATCH', '/api/v1/admin/roles/admin', {
        permissions: ['audit:read'],
      });
      expect(strip.json().detail).toBe('The admin role keeps roles:manage and users:manage.');
      const second = await createUser(t2, ['customer']);
      await admin.request('PUT', `/api/v1/admin/users/${second.id}/roles`, { roles: ['admin'] });
      expect(
        (await admin.request('PUT', `/api/v1/admin/users/${only.id}/roles`, { roles: ['agent'] })).statusCode,
      ).toBe(200);
      // The change applies to the demoted admin's very next request.
      expect((await admin.get('/api/v1/admin/roles')).statusCode).toBe(403);
    } finally {
      await t2.close();
    }
  });
});
