import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, signInAs } from '../support/actors.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { waitFor } from '../support/wait.js';

// A long time-to-live, so only the change notices can explain a node dropping its copy in time.
const env = { MFA_REQUIRED_ROLES: 'none', AUTH_CACHE_SECONDS: '120' };

describe('the acting user kept in memory between requests', () => {
  let t: TestApp;
  let owner: pg.Client;
  beforeAll(async () => {
    t = await buildTestApp({ env });
    // As the database owner, like the CLI or an operator with psql: no app code runs on this path.
    owner = new pg.Client({ connectionString: t.database.url });
    await owner.connect();
  });
  afterAll(async () => {
    await owner?.end();
    await t?.close();
  });

  const asAdmin = async () => {
    const admin = await createUser(t, ['admin']);
    const browser = await signInAs(t.app, admin.email);
    expect((await browser.get('/api/v1/admin/users?limit=1')).statusCode).toBe(200);
    return { admin, browser };
  };

  it('is read once and kept: a change that announces nothing is not seen', async () => {
    const { admin, browser } = await asAdmin();
    await owner.query('alter table users disable trigger users_changed');
    try {
      await owner.query(`update users set roles = '{customer}' where id = $1`, [admin.id]);
      expect((await browser.get('/api/v1/admin/users?limit=1')).statusCode).toBe(200);
    } finally {
      await owner.query('alter table users enable trigger users_changed');
    }
  });

  it('is dropped when any committed change to the row is announced, from whatever wrote it', async () => {
    const { admin, browser } = await asAdmin();
    await owner.query('begin');
    await owner.query(`update users set roles = '{customer}' where id = $1`, [admin.id]);
    // Not committed: nothing is announced and the old row is still the truth.
    expect((await browser.get('/api/v1/admin/users?limit=1')).statusCode).toBe(200);
    await owner.query('commit');
    await waitFor(
      async () => (await browser.get('/api/v1/admin/users?limit=1')).statusCode === 403,
      5000,
      'the role change to apply',
    );
    await owner.query(`update users set roles = '{admin}', status = 'disabled' where id = $1`, [admin.id]);
    await waitFor(
      async () => (await browser.get('/api/v1/admin/users?limit=1')).statusCode === 401,
      5000,
      'the disabled account to be refused',
    );
  });

  it('a change made through the app applies on the very next request', async () => {
    const { admin, browser } = await asAdmin();
    const other = await asAdmin();
    const changed = await other.browser.request('PUT', `/api/v1/admin/users/${admin.id}/roles`, {
      roles: ['customer'],
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect((await browser.get('/api/v1/admin/users?limit=1')).statusCode).toBe(403);
  });
});
