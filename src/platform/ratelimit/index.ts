import type { Redis } from 'ioredis';
import { MemoryRateLimiter } from './memory.js';
import type { RateLimiter } from './port.js';
import { RedisRateLimiter } from './redis.js';

export function createRateLimiter(options: { redis: Redis | undefined; prefix: string }): RateLimiter {
  return options.redis ? new RedisRateLimiter(options.redis, options.prefix) : new MemoryRateLimiter();
}
