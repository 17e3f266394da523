import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../src/platform/db/connection.js';
import '../../src/modules/oauth/provider/adapter.js';
import { loadConfig } from '../../src/config.js';
import { createAdmin } from '../../src/modules/auth/service/bootstrap.js';
import { resolveSecretKey } from '../../src/platform/secrets/secret-key.js';
import { runCli } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

describe('switchboard users', () => {
  let testDb: TestDatabase;
  let database: Database;
  const env = () => ({
    DATABASE_URL: testDb.url,
    SECRET_KEY: 's'.repeat(48),
    PUBLIC_URL: 'https://help.example.com',
  });
  const user = (email: string) =>
    database.db.selectFrom('users').select(['status', 'roles']).where('email', '=', email).executeTakeFirst();

  beforeAll(async () => {
    testDb = await createTestDatabase();
    database = createDatabase(testDb.url, {
      DATABASE_POOL_MAX: 1,
      DATABASE_STATEMENT_TIMEOUT_MS: 0,
      DATABASE_SSL_MODE: 'disable',
    });
    // As the CLI resolves it (bootConfigWithSecret): the audit chain is keyed with this SECRET_KEY.
    const config = await resolveSecretKey(loadConfig({ ...env(), DATA_DIR: '.tmp/test-data' }));
    await database.db
      .transaction()
      .execute((trx) =>
        createAdmin(trx, config, { email: 'only-admin@example.com', displayName: 'Only Admin' }),
      );
  });
  afterAll(async () => {
    await database.close();
    await testDb.drop();
  });

  it('invites with roles, disables and enables; refuses unknown roles and the last administrator', async () => {
    const invited = await runCli(
      ['users', 'invite', '--email', 'New@Example.com', '--name', 'Nia', '--roles', 'agent'],
      env(),
    );
    expect(invited.stderr).toBe('');
    expect(invited.stdout).toContain('Invited new@example.com (agent). The invitation mail is queued.');
    expect(await user('new@example.com')).toEqual({ status: 'pending_verification', roles: ['agent'] });
    const { rows: queued } = await sql<{
      data: unknown;
    }>`select data from pgboss.job where name = 'send_mail'`.execute(database.db);
    expect(JSON.stringify(queued)).toContain('new@example.com');

    const bogus = await runCli(
      ['users', 'invite', '--email', 'x@example.com', '--roles', 'agent,wizard'],
      env(),
    );
    expect(bogus.code).toBe(1);
    expect(bogus.stderr).toContain('Unknown role wizard; choose from customer, premium, agent, admin.');

    const disabled = await runCli(['users', 'disable', '--email', 'new@example.com'], env());
    expect(disabled.stdout).toContain('Disabled new@example.com; 0 session(s) ended.');
    expect((await user('new@example.com'))?.status).toBe('disabled');
    const enabled = await runCli(['users', 'enable', '--email', 'new@example.com'], env());
    expect(enabled.stdout).toContain('new@example.com is enabled (still waiting for email confirmation).');

    const lastAdmin = await runCli(['users', 'disable', '--email', 'only-admin@example.com'], env());
    expect(lastAdmin.code).toBe(1);
    expect(lastAdmin.stderr).toContain('This is the last active administrator');
    expect((await user('only-admin@example.com'))?.status).toBe('active');

    const unknown = await runCli(['users', 'end-sessions', '--email', 'nobody@example.com'], env());
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No user with the email address nobody@example.com.');
  }, 90_000);

  it('end-sessions signs the account out of its apps too: their grants and refresh tokens are revoked', async () => {
    const admin = await database.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'only-admin@example.com')
      .executeTakeFirstOrThrow();
    const grantId = `grant-${Date.now()}`;
    await database.db
      .insertInto('oauth_store')
      .values([
        {
          model: 'Grant',
          id: grantId,
          payload: JSON.stringify({ accountId: admin.id, clientId: 'some-app' }) as never,
          grant_id: null,
          user_code: null,
          uid: null,
          expires_at: new Date(Date.now() + 86_400_000),
          consumed_at: null,
        },
        {
          model: 'RefreshToken',
          id: `refresh-${Date.now()}`,
          payload: JSON.stringify({ accountId: admin.id, clientId: 'some-app', grantId }) as never,
          grant_id: grantId,
          user_code: null,
          uid: null,
          expires_at: new Date(Date.now() + 86_400_000),
          consumed_at: null,
        },
      ])
      .execute();
    const ended = await runCli(['users', 'end-sessions', '--email', 'only-admin@example.com'], env());
    expect(ended.stderr).toBe('');
    expect(ended.stdout).toContain(
      'Ended 0 session(s) of only-admin@example.com and revoked its apps’ tokens.',
    );
    const left = await database.db
      .selectFrom('oauth_store')
      .select('id')
      .where((eb) => eb.or([eb('id', '=', grantId), eb('grant_id', '=', grantId)]))
      .execute();
    expect(left).toEqual([]);
  }, 60_000);
});
