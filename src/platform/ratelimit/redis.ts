import type { Redis } from 'ioredis';
import type { RateLimiter, RateLimitResult } from './port.js';

// INCR and the first PEXPIRE in one atomic step, so concurrent hits from many nodes are counted
// exactly and a crash between the two commands cannot leave a counter that never expires.
const HIT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('PTTL', KEYS[1])}
`;

/** Fixed-window counters in Redis, shared by every node. */
export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(key: string): string {
    return `${this.prefix}rl:${key}`;
  }

  async hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitResult> {
    const [count, ttl] = (await this.redis.eval(HIT, 1, this.key(key), String(windowSeconds * 1000))) as [
      number,
      number,
    ];
    return {
      allowed: count <= limit,
      count,
      remaining: Math.max(0, limit - count),
      resetSeconds: Math.ceil(Math.max(ttl, 0) / 1000),
    };
  }

  async peek(key: string): Promise<number> {
    return Number((await this.redis.get(this.key(key))) ?? 0);
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(this.key(key));
  }

  async close(): Promise<void> {}
}
