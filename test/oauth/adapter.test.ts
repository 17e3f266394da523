import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deleteExpiredOauthRows,
  PostgresAdapter,
  REFRESH_REUSE_GRACE_MS,
} from '../../src/modules/oauth/provider/adapter.js';
import { createDatabase, type Database } from '../../src/platform/db/connection.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

let testDb: TestDatabase;
let database: Database;
beforeAll(async () => {
  testDb = await createTestDatabase();
  database = createDatabase(
    testDb.url,
    { DATABASE_POOL_MAX: 12, DATABASE_STATEMENT_TIMEOUT_MS: 0, DATABASE_SSL_MODE: 'disable' },
    { asApp: true },
  );
});
afterAll(async () => {
  await database?.close();
  await testDb?.drop();
});

const adapter = (model: string) => new PostgresAdapter(database.db, model);

describe('the OAuth store on PostgreSQL', () => {
  it('stores, finds by id, uid and user code, and forgets expired rows', async () => {
    const sessions = adapter('Interaction');
    await sessions.upsert('i1', { uid: 'u-1', jti: 'i1', kind: 'Interaction' }, 60);
    expect(await sessions.find('i1')).toMatchObject({ uid: 'u-1', jti: 'i1' });
    expect(await sessions.findByUid('u-1')).toMatchObject({ jti: 'i1' });
    expect(await adapter('Session').find('i1')).toBeUndefined();
    const device = adapter('DeviceCode');
    await device.upsert('d1', { userCode: 'ABCD-EFGH' }, 60);
    expect(await device.findByUserCode('ABCD-EFGH')).toMatchObject({ userCode: 'ABCD-EFGH' });
    await sessions.upsert('gone', { jti: 'gone' }, -1);
    expect(await sessions.find('gone')).toBeUndefined();
    expect(await deleteExpiredOauthRows(database.db, new Date())).toBeGreaterThanOrEqual(1);
    await sessions.upsert(
      'i1',
      { uid: 'u-1', jti: 'i1', kind: 'Interaction', result: { login: { accountId: 'a' } } },
      60,
    );
    expect(await sessions.find('i1')).toMatchObject({ result: { login: { accountId: 'a' } } });
    await sessions.destroy('i1');
    expect(await sessions.find('i1')).toBeUndefined();
  });

  it('consumes a code once: of ten simultaneous attempts exactly one succeeds, and it reads as consumed', async () => {
    const codes = adapter('AuthorizationCode');
    await codes.upsert('c1', { jti: 'c1', grantId: 'g1' }, 60);
    const attempts = await Promise.allSettled(Array.from({ length: 10 }, () => codes.consume('c1')));
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    const refused = attempts.find((a) => a.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ error: 'invalid_grant' });
    expect((await codes.find('c1'))?.consumed).toEqual(expect.any(Number));
  });

  it('a refresh token may be used again within the reuse grace only; then it reads as consumed and is refused', async () => {
    const refresh = adapter('RefreshToken');
    await refresh.upsert('r1', { jti: 'r1', grantId: 'g1' }, 3600);
    const attempts = await Promise.allSettled(Array.from({ length: 10 }, () => refresh.consume('r1')));
    expect(attempts.every((a) => a.status === 'fulfilled')).toBe(true);
    expect((await refresh.find('r1'))?.consumed).toBeUndefined();
    await database.db
      .updateTable('oauth_store')
      .set({ consumed_at: new Date(Date.now() - REFRESH_REUSE_GRACE_MS - 1000) })
      .where('id', '=', 'r1')
      .execute();
    expect((await refresh.find('r1'))?.consumed).toEqual(expect.any(Number));
    await expect(refresh.consume('r1')).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('revoking a grant removes every token of that grant and nothing else', async () => {
    await adapter('AccessToken').upsert('a1', { grantId: 'g-revoke' }, 600);
    await adapter('RefreshToken').upsert('r2', { grantId: 'g-revoke' }, 3600);
    await adapter('RefreshToken').upsert('r3', { grantId: 'g-keep' }, 3600);
    await adapter('RefreshToken').revokeByGrantId('g-revoke');
    expect(await adapter('AccessToken').find('a1')).toBeUndefined();
    expect(await adapter('RefreshToken').find('r2')).toBeUndefined();
    expect(await adapter('RefreshToken').find('r3')).toMatchObject({ grantId: 'g-keep' });
  });
});
