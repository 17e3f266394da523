import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { PubSub } from './port.js';
import { PostgresPubSub } from './postgres.js';
import { RedisPubSub } from './redis.js';

export function createPubSub(options: {
  redis: Redis | undefined;
  prefix: string;
  pool: pg.Pool;
  listenConfig: pg.ClientConfig;
}): PubSub {
  return options.redis
    ? new RedisPubSub(options.redis, options.prefix)
    : new PostgresPubSub(options.pool, options.listenConfig, options.prefix);
}
