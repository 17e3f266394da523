import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { testRedisPrefix, testRedisUrl } from '../../../test/support/redis.js';
import { waitFor } from '../../../test/support/wait.js';
import { createDatabase, type Database } from '../db/connection.js';
import { PostgresPubSub } from '../pubsub/postgres.js';
import { CachedSessionStore } from './cached.js';
import type { SessionRecord, SessionStore } from './port.js';
import { PostgresSessionStore } from './postgres.js';
import { RedisSessionStore } from './redis.js';

let counter = 0;
function session(userId: string, overrides: Partial<SessionRecord> = {}): SessionRecord {
  counter++;
  const now = Date.now();
  return {
    idHash: `hash-${counter}-${Math.random().toString(36).slice(2)}`,
    userId,
    data: { csrf: `token-${counter}`, nested: { mfa: true } },
    ip: '192.0.2.1',
    userAgent: 'test-agent',
    createdAt: new Date(now - 1000 + counter),
    lastSeenAt: new Date(now),
    expiresAt: new Date(now + 3_600_000),
    ...overrides,
  };
}

function sessionStoreContract(name: string, make: () => SessionStore) {
  describe(`SessionStore: ${name}`, () => {
    it('creates, reads, touches and deletes', async () => {
      const store = make();
      const s = session('u1');
      await store.create(s);
      expect(await store.get(s.idHash)).toEqual(s);
      const seen = new Date(Date.now() + 5000);
      await store.touch(s.idHash, seen, { csrf: 'rotated' });
      const touched = await store.get(s.idHash);
      expect(touched?.lastSeenAt.getTime()).toBe(seen.getTime());
      expect(touched?.data).toEqual({ csrf: 'rotated' });
      expect(touched?.expiresAt.getTime()).toBe(s.expiresAt.getTime());
      await store.delete(s.idHash);
      expect(await store.get(s.idHash)).toBeUndefined();
    });

    it('never returns an expired session', async () => {
      const store = make();
      const s = session('u-exp', { expiresAt: new Date(Date.now() + 300) });
      await store.create(s);
      expect(await store.get(s.idHash)).toBeDefined();
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(await store.get(s.idHash)).toBeUndefined();
      expect(await store.listByUser('u-exp')).toEqual([]);
    });

    it('lists a user’s sessions oldest first and ends all but one', async () => {
      const store = make();
      const user = `u-${Math.random()}`;
      const other = `o-${Math.random()}`;
      const created = [session(user), session(user), session(user)];
      for (const s of [...created].reverse()) await store.create(s);
      const theirs = session(other);
      await store.create(theirs);
      expect((await store.listByUser(user)).map((s) => s.idHash)).toEqual(created.map((s) => s.idHash));
      expect(await store.deleteByUser(user, created[1]!.idHash)).toBe(2);
      expect((await store.listByUser(user)).map((s) => s.idHash)).toEqual([created[1]!.idHash]);
      expect(await store.get(created[0]!.idHash)).toBeUndefined();
      expect(await store.get(theirs.idHash)).toEqual(theirs);
      expect(await store.deleteByUser(user)).toBe(1);
      expect(await store.listByUser(user)).toEqual([]);
    });
  });
}

let testDb: TestDatabase;
let database: Database;
beforeAll(async () => {
  testDb = await createTestDatabase();
  database = createDatabase(testDb.url, {
    DATABASE_POOL_MAX: 4,
    DATABASE_STATEMENT_TIMEOUT_MS: 0,
    DATABASE_SSL_MODE: 'disable',
  });
});
afterAll(async () => {
  await database.close();
  await testDb.drop();
});

sessionStoreContract('PostgreSQL', () => new PostgresSessionStore(database.db));

const url = testRedisUrl();
const redis = url ? new Redis(url) : undefined;
afterAll(() => redis?.disconnect());
describe.runIf(url)('with Redis', () => {
  sessionStoreContract('Redis', () => new RedisSessionStore(redis!, testRedisPrefix()));
});

describe('sessions kept in memory on two nodes (CachedSessionStore)', () => {
  const buses: PostgresPubSub[] = [];
  /** One node: its own pub/sub connection and cache over the shared PostgreSQL store. */
  async function node(prefix: string): Promise<CachedSessionStore> {
    const bus = new PostgresPubSub(database.pool, { connectionString: testDb.url }, prefix);
    buses.push(bus);
    const store = new CachedSessionStore(new PostgresSessionStore(database.db), bus, 60);
    await store.start();
    return store;
  }
  afterAll(async () => {
    await Promise.all(buses.map((b) => b.close()));
  });

  sessionStoreContract('cached PostgreSQL', () => {
    const bus = new PostgresPubSub(database.pool, { connectionString: testDb.url }, 'contract_');
    buses.push(bus);
    return new CachedSessionStore(new PostgresSessionStore(database.db), bus, 60);
  });

  it('a sign-out, revocation or new session data on one node reaches the other without a restart', async () => {
    const a = await node('two_nodes_');
    const b = await node('two_nodes_');
    const user = `u-${Math.random()}`;
    const [one, two, three] = [session(user), session(user), session(user)];
    for (const s of [one, two, three]) await a.create(s!);
    // Both nodes hold copies now; the rows below change behind a copy only through the other node.
    for (const s of [one, two, three]) {
      expect(await a.get(s!.idHash)).toBeDefined();
      expect(await b.get(s!.idHash)).toBeDefined();
    }

    await b.delete(one!.idHash);
    expect(await b.get(one!.idHash)).toBeUndefined();
    await waitFor(async () => (await a.get(one!.idHash)) === undefined, 5000, 'node A to drop the session');

    await b.touch(two!.idHash, new Date(), { csrf: 'after-mfa', mfa: 'done' });
    await waitFor(
      async () => (await a.get(two!.idHash))?.data.mfa === 'done',
      5000,
      'node A to see new data',
    );

    await a.deleteByUser(user, two!.idHash);
    expect(await a.get(three!.idHash)).toBeUndefined();
    await waitFor(async () => (await b.get(three!.idHash)) === undefined, 5000, 'node B to end the rest');
    expect((await b.get(two!.idHash))?.data.mfa).toBe('done');
  });

  it('holds a copy, not a read per request, and hands out copies that do not change it', async () => {
    const a = await node('copies_');
    const s = session('u-copy');
    await a.create(s);
    const first = (await a.get(s.idHash))!;
    // Behind the cache's back (no node does this): the copy still answers until it is dropped.
    await database.db.deleteFrom('sessions').where('id_hash', '=', s.idHash).execute();
    first.data.csrf = 'changed by a caller';
    expect((await a.get(s.idHash))?.data.csrf).toBe(s.data.csrf);
  });
});
