import type { Redis } from 'ioredis';
import { MemoryCache } from './memory.js';
import type { Cache } from './port.js';
import { RedisCache } from './redis.js';
import type { CacheMetrics } from './shared.js';

export type { CacheMetrics } from './shared.js';

export function createCache(options: {
  redis: Redis | undefined;
  prefix: string;
  maxEntries: number;
  metrics: CacheMetrics;
}): Cache {
  return options.redis
    ? new RedisCache(options.redis, options.prefix, options.metrics)
    : new MemoryCache(options.maxEntries, options.metrics);
}
