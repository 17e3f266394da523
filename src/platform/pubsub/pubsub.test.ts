import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { testRedisPrefix, testRedisUrl } from '../../../test/support/redis.js';
import { waitFor } from '../../../test/support/wait.js';
import type { PubSub } from './port.js';
import { PostgresPubSub } from './postgres.js';
import { RedisPubSub } from './redis.js';

/** `makeNode(shared)` builds one node's PubSub; nodes built from the same `shared` value talk to each other. */
function pubsubContract(name: string, makeShared: () => string, makeNode: (shared: string) => PubSub) {
  describe(`PubSub: ${name}`, () => {
    const nodes: PubSub[] = [];
    const node = (shared: string) => {
      const created = makeNode(shared);
      nodes.push(created);
      return created;
    };
    afterAll(async () => {
      await Promise.all(nodes.map((n) => n.close()));
    });

    it('delivers to every subscriber of a channel on every node, and only that channel', async () => {
      const shared = makeShared();
      const a = node(shared);
      const b = node(shared);
      const seenA: unknown[] = [];
      const seenB: unknown[] = [];
      const seenOther: unknown[] = [];
      await a.subscribe('ticket:1', (m) => seenA.push(m));
      await b.subscribe('ticket:1', (m) => seenB.push(m));
      await b.subscribe('ticket:2', (m) => seenOther.push(m));
      await a.publish('ticket:1', { event: 'message', id: 42 });
      await waitFor(() => seenA.length === 1 && seenB.length === 1, 5000);
      expect(seenA).toEqual([{ event: 'message', id: 42 }]);
      expect(seenB).toEqual([{ event: 'message', id: 42 }]);
      expect(seenOther).toEqual([]);
    });

    it('stops delivering after unsubscribe, while other handlers keep receiving', async () => {
      const shared = makeShared();
      const a = node(shared);
      const first: unknown[] = [];
      const second: unknown[] = [];
      const stopFirst = await a.subscribe('inbox', (m) => first.push(m));
      await a.subscribe('inbox', (m) => second.push(m));
      await a.publish('inbox', 1);
      await waitFor(() => first.length === 1 && second.length === 1, 5000);
      await stopFirst();
      await a.publish('inbox', 2);
      await waitFor(() => second.length === 2, 5000);
      expect(first).toEqual([1]);
    });

    it('refuses a message over the size limit with a clear error', async () => {
      const a = node(makeShared());
      await expect(a.publish('big', 'x'.repeat(9000))).rejects.toThrow(/larger than \d+ bytes/);
    });
  });
}

let testDb: TestDatabase;
let pool: pg.Pool;
beforeAll(async () => {
  testDb = await createTestDatabase();
  pool = new pg.Pool({ connectionString: testDb.url, max: 4 });
  // The connection-loss test terminates backends of this database: an idle pooled connection
  // caught in it must not surface as an uncaught error (the app's pools ignore such errors too).
  pool.on('error', () => {});
});
afterAll(async () => {
  await pool.end();
  await testDb.drop();
});

pubsubContract(
  'PostgreSQL LISTEN/NOTIFY',
  testRedisPrefix,
  (prefix) => new PostgresPubSub(pool, { connectionString: testDb.url }, prefix),
);

describe('PubSub: PostgreSQL LISTEN connection loss', () => {
  it('reconnects and receives messages again after its connection is terminated', async () => {
    const prefix = testRedisPrefix();
    const node = new PostgresPubSub(pool, { connectionString: testDb.url }, prefix);
    const seen: unknown[] = [];
    await node.subscribe('live', (m) => seen.push(m));
    await node.publish('live', 'before');
    await waitFor(() => seen.length === 1, 5000);
    const killed = await pool.query(
      `select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'switchboard-listen' and datname = current_database()`,
    );
    expect(killed.rowCount).toBeGreaterThan(0);
    await waitFor(async () => {
      await node.publish('live', 'after');
      return seen.includes('after');
    }, 10_000);
    await node.close();
  });
});

const url = testRedisUrl();
const redis = url ? new Redis(url) : undefined;
afterAll(() => redis?.disconnect());
describe.runIf(url)('with Redis', () => {
  pubsubContract('Redis', testRedisPrefix, (prefix) => new RedisPubSub(redis!, prefix));
});
