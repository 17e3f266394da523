import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { testRedisPrefix, testRedisUrl } from '../../../test/support/redis.js';
import { MemoryRateLimiter } from './memory.js';
import type { RateLimiter } from './port.js';
import { RedisRateLimiter } from './redis.js';

function rateLimiterContract(name: string, make: () => RateLimiter) {
  describe(`RateLimiter: ${name}`, () => {
    it('allows up to the limit, then refuses, with remaining and reset', async () => {
      const limiter = make();
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await limiter.hit('login:ip', 3, 60));
      expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
      expect(results.map((r) => r.remaining)).toEqual([2, 1, 0, 0]);
      expect(results[3]!.count).toBe(4);
      expect(results[3]!.resetSeconds).toBeGreaterThan(55);
      expect(results[3]!.resetSeconds).toBeLessThanOrEqual(60);
      expect(await limiter.peek('login:ip')).toBe(4);
      await limiter.close();
    });

    it('counts exactly under concurrency', async () => {
      const limiter = make();
      const results = await Promise.all(Array.from({ length: 50 }, () => limiter.hit('burst', 20, 60)));
      expect(results.filter((r) => r.allowed)).toHaveLength(20);
      expect(await limiter.peek('burst')).toBe(50);
      await limiter.close();
    });

    it('keeps keys independent and resets one on demand', async () => {
      const limiter = make();
      await limiter.hit('a', 1, 60);
      expect((await limiter.hit('a', 1, 60)).allowed).toBe(false);
      expect((await limiter.hit('b', 1, 60)).allowed).toBe(true);
      await limiter.reset('a');
      expect(await limiter.peek('a')).toBe(0);
      expect((await limiter.hit('a', 1, 60)).allowed).toBe(true);
      await limiter.close();
    });

    it('starts a new window after the old one ends', async () => {
      const limiter = make();
      expect((await limiter.hit('w', 1, 1)).allowed).toBe(true);
      expect((await limiter.hit('w', 1, 1)).allowed).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await limiter.hit('w', 1, 1)).allowed).toBe(true);
      await limiter.close();
    });
  });
}

rateLimiterContract('memory', () => new MemoryRateLimiter());

const url = testRedisUrl();
const redis = url ? new Redis(url) : undefined;
afterAll(() => redis?.disconnect());
describe.runIf(url)('with Redis', () => {
  rateLimiterContract('redis', () => new RedisRateLimiter(redis!, testRedisPrefix()));

  it('two nodes share one counter', async () => {
    const prefix = testRedisPrefix();
    await new RedisRateLimiter(redis!, prefix).hit('shared', 1, 60);
    expect((await new RedisRateLimiter(redis!, prefix).hit('shared', 1, 60)).allowed).toBe(false);
  });
});
