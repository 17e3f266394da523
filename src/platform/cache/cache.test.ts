import { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { testRedisPrefix, testRedisUrl } from '../../../test/support/redis.js';
import { MemoryCache } from './memory.js';
import type { Cache } from './port.js';
import { RedisCache } from './redis.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One suite, run against each adapter: both must behave the same to their callers. */
function cacheContract(name: string, make: (metrics: { hit(): void; miss(): void }) => Cache) {
  describe(`Cache: ${name}`, () => {
    let cache: Cache;
    const counts = { hits: 0, misses: 0 };
    beforeEach(() => {
      counts.hits = 0;
      counts.misses = 0;
      cache = make({ hit: () => counts.hits++, miss: () => counts.misses++ });
    });

    it('round-trips nested JSON values and counts hits and misses', async () => {
      const value = { id: 7, tags: ['a', 'b'], nested: { ok: true, n: null } };
      expect(await cache.get('k')).toBeUndefined();
      await cache.set('k', value, 60);
      expect(await cache.get('k')).toEqual(value);
      expect(counts).toEqual({ hits: 1, misses: 1 });
    });

    it('overwrites and deletes', async () => {
      await cache.set('k', 'one', 60);
      await cache.set('k', 'two', 60);
      expect(await cache.get('k')).toBe('two');
      await cache.delete('k');
      expect(await cache.get('k')).toBeUndefined();
    });

    it('forgets a value after its TTL', async () => {
      await cache.set('short', 1, 0.3);
      expect(await cache.get('short')).toBe(1);
      await sleep(450);
      expect(await cache.get('short')).toBeUndefined();
    });

    it('getOrSet loads once for many concurrent callers, then serves from cache', async () => {
      let loads = 0;
      const load = async () => {
        loads++;
        await sleep(50);
        return { loaded: loads };
      };
      const results = await Promise.all(Array.from({ length: 20 }, () => cache.getOrSet('shared', 60, load)));
      expect(loads).toBe(1);
      expect(new Set(results.map((r) => r.loaded))).toEqual(new Set([1]));
      expect(await cache.getOrSet('shared', 60, load)).toEqual({ loaded: 1 });
      expect(loads).toBe(1);
    });

    it('hands out copies: mutating a returned value does not change the cache', async () => {
      await cache.set('obj', { n: 1 }, 60);
      const copy = (await cache.get<{ n: number }>('obj'))!;
      copy.n = 99;
      expect(await cache.get('obj')).toEqual({ n: 1 });
    });
  });
}

cacheContract('memory', (metrics) => new MemoryCache(100, metrics));

const url = testRedisUrl();
const redis = url ? new Redis(url) : undefined;
afterAll(() => redis?.disconnect());
describe.runIf(url)('with Redis', () => {
  cacheContract('redis', (metrics) => new RedisCache(redis!, testRedisPrefix(), metrics));

  it('two nodes sharing Redis see each other’s writes', async () => {
    const prefix = testRedisPrefix();
    const noMetrics = { hit() {}, miss() {} };
    await new RedisCache(redis!, prefix, noMetrics).set('shared', 'from A', 60);
    expect(await new RedisCache(redis!, prefix, noMetrics).get('shared')).toBe('from A');
  });
});

describe('MemoryCache bound', () => {
  it('evicts the least recently used entry beyond its size', async () => {
    const cache = new MemoryCache(2, { hit() {}, miss() {} });
    await cache.set('a', 1, 60);
    await cache.set('b', 2, 60);
    await cache.get('a');
    await cache.set('c', 3, 60);
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('a')).toBe(1);
  });
});
