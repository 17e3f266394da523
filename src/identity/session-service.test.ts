import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.js';
import { testRedisPrefix, testRedisUrl } from '../../test/support/redis.js';
import { createDatabase, type Database } from '../platform/db/connection.js';
import type { SessionStore } from '../platform/sessions/port.js';
import { PostgresSessionStore } from '../platform/sessions/postgres.js';
import { RedisSessionStore } from '../platform/sessions/redis.js';
import { hashSessionId, resolveSession, startSession } from './session-service.js';

const meta = { ip: '198.51.100.7', userAgent: 'vitest' };
const settings = { absoluteHours: 24, idleMinutes: 60, limit: 5 };

function sessionServiceSuite(name: string, makeStore: () => SessionStore) {
  describe(`sessions on ${name}`, () => {
    it('stores only the hash of a 256-bit id and resolves the cookie value back to the session', async () => {
      const store = makeStore();
      const started = await startSession(store, settings, 'user-a', meta);
      expect(started.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(started.record.idHash).toBe(hashSessionId(started.id));
      expect(started.record.idHash).not.toContain(started.id);
      expect((await resolveSession(store, settings, started.id))?.userId).toBe('user-a');
      expect(await resolveSession(store, settings, `${started.id.slice(0, -1)}x`)).toBeUndefined();
      expect(await resolveSession(store, settings, 'not a session id')).toBeUndefined();
    });

    it('the sixth sign-in ends the oldest session', async () => {
      const store = makeStore();
      const user = `user-${Math.random()}`;
      const sessions = [];
      for (let i = 0; i < 6; i++) {
        sessions.push(await startSession(store, settings, user, meta));
        // "Oldest" is by creation time in milliseconds; keep each sign-in in its own millisecond.
        await new Promise((resolve) => setTimeout(resolve, 3));
      }
      expect(sessions[5]!.evicted.map((s) => s.idHash)).toEqual([sessions[0]!.record.idHash]);
      expect(await resolveSession(store, settings, sessions[0]!.id)).toBeUndefined();
      for (const s of sessions.slice(1)) expect(await resolveSession(store, settings, s.id)).toBeDefined();
    });

    it('ends a session left idle past the idle timeout', async () => {
      const store = makeStore();
      const quick = { ...settings, idleMinutes: 0.01 };
      const started = await startSession(store, quick, 'user-idle', meta);
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(await resolveSession(store, quick, started.id)).toBeUndefined();
      expect(await store.get(started.record.idHash)).toBeUndefined();
    });
  });
}

let testDb: TestDatabase;
let database: Database;
beforeAll(async () => {
  testDb = await createTestDatabase();
  database = createDatabase(testDb.url, {
    DATABASE_POOL_MAX: 2,
    DATABASE_STATEMENT_TIMEOUT_MS: 0,
    DATABASE_SSL_MODE: 'disable',
  });
});
afterAll(async () => {
  await database.close();
  await testDb.drop();
});
sessionServiceSuite('PostgreSQL', () => new PostgresSessionStore(database.db));

const url = testRedisUrl();
const redis = url ? new Redis(url) : undefined;
afterAll(() => redis?.disconnect());
describe.runIf(url)('with Redis', () => {
  sessionServiceSuite('Redis', () => new RedisSessionStore(redis!, testRedisPrefix()));
});
